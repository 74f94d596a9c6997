package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The park permit across the other waiting operations. {@code Fiber.park()} promises to return at
 * once if {@code unpark()} was called since the last park; a sleep is not a park, so a permit
 * made available before it must survive it (the JDK's virtual threads restore it after
 * {@code Thread.sleep} for the same reason).
 */
class ParkPermitReviewTest {
    private static final Duration HANG = Duration.ofSeconds(5);

    private final FiberScheduler scheduler = new WorkStealingScheduler(2);

    @AfterEach
    void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(Duration.ofSeconds(10));
    }

    @Test
    void sleepDoesNotSwallowAPendingUnparkPermit() throws Exception {
        Fiber<Void> f = Fiber.builder().scheduler(scheduler).start(() -> {
            Fiber.current().unpark();            // permit available
            try {
                Fiber.sleep(Duration.ofMillis(1)); // not a park: must leave the permit alone
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            Fiber.park();                        // must return at once
        });
        boolean done = f.join(HANG);
        if (!done) {
            f.cancel();
        }
        assertTrue(done, "park() after sleep() blocked although unpark() was called before it: the sleep consumed the permit");
    }

    @Test
    void anUnparkDuringASleepNeitherShortensItNorIsLost() throws Exception {
        CountDownLatch asleep = new CountDownLatch(1);
        long sleepNanos = Duration.ofMillis(200).toNanos();
        Fiber<Long> f = Fiber.builder().scheduler(scheduler).start(() -> {
            asleep.countDown();
            long start = System.nanoTime();
            Fiber.sleep(Duration.ofNanos(sleepNanos)); // unparked while asleep: must sleep on
            long slept = System.nanoTime() - start;
            Fiber.park();                              // the unpark is still owed: returns at once
            return slept;
        });
        asleep.await();
        Thread.sleep(20); // most likely asleep by now; an unpark before the sleep must also be kept
        f.unpark();
        boolean done = f.join(HANG);
        if (!done) {
            f.cancel();
        }
        assertTrue(done, "park() after sleep() blocked although unpark() was called during the sleep: the sleep consumed the permit");
        assertTrue(f.get() >= sleepNanos, "the sleep returned early (after " + f.get() + " ns): an unpark cut it short");
    }
}
