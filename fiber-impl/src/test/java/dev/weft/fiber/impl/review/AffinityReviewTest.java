package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.util.CurrentThread;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code Fiber.Builder.carrierAffinity(true)} promises that the fiber "always resumes on the
 * carrier thread it first ran on". A fiber whose first run happens on a compensating carrier
 * (the only one free while the core carriers are blocked) must keep that promise too.
 */
class AffinityReviewTest {

    @Test
    void affinityFiberFirstRunOnACompensatingCarrierResumesOnIt() throws Exception {
        FiberScheduler pool = new WorkStealingScheduler(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.execute(() -> { // blocks the only core carrier outside Weft
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Fiber<String[]> f = Fiber.builder().scheduler(pool).carrierAffinity(true).start(() -> {
                String first = CurrentThread.get().getName();
                release.countDown(); // the core carrier is free from now on
                Fiber.park();
                String after = CurrentThread.get().getName();
                return new String[] {first, after};
            });
            while (f.state() != Fiber.State.PARKED) {
                Thread.onSpinWait();
            }
            f.unpark();
            String[] threads = f.get(Duration.ofSeconds(30));
            assertEquals(threads[0], threads[1], "an affinity fiber resumed on another carrier thread than the one it first ran on");
        } finally {
            release.countDown();
            pool.shutdownNow();
            pool.awaitTermination(Duration.ofSeconds(10));
        }
    }
}
