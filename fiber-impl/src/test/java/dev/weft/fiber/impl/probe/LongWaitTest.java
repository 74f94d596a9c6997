package dev.weft.fiber.impl.probe;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waits longer than {@code System.nanoTime()} can add without overflowing (the API saturates a
 * huge {@code Duration} to {@code Long.MAX_VALUE} nanoseconds) must still just wait: no early
 * return, and no timer that fires at once because its deadline wrapped into the past.
 */
class LongWaitTest {

    @Test
    void hugeSleepWaitsUntilInterrupted() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            AtomicBoolean sleeping = new AtomicBoolean();
            Fiber<String> f = Fiber.builder().scheduler(s).start(() -> {
                sleeping.set(true);
                try {
                    Fiber.sleep(Duration.ofDays(365L * 1_000_000));
                    return "returned";
                } catch (InterruptedException e) {
                    return "interrupted";
                }
            });
            while (!sleeping.get() || f.state() != Fiber.State.PARKED) {
                Thread.onSpinWait();
            }
            long resumesBefore = s.stats().tasksRun();
            assertFalse(f.join(Duration.ofMillis(50)), "a sleep of a million years ended at once");
            // A deadline that wrapped into the past would make the timer fire at once, again and
            // again: the fiber would be resumed over and over while it "sleeps".
            long resumes = s.stats().tasksRun() - resumesBefore;
            assertTrue(resumes <= 1, "the sleeping fiber was resumed " + resumes + " times");
            f.interrupt();
            assertEquals("interrupted", f.get());
        }
    }

    @Test
    void hugeJoinTimeoutWaitsForTheFiber() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<Void> parked = Fiber.builder().scheduler(s).start(() -> Fiber.park());
            Fiber<Boolean> joiner = Fiber.builder().scheduler(s).start(() -> parked.join(Duration.ofDays(365L * 1_000_000)));
            assertFalse(joiner.join(Duration.ofMillis(50)), "a join with a huge time-out gave up at once");
            parked.unpark();
            assertTrue(joiner.get());
            assertThrows(IllegalArgumentException.class, () -> parked.join(Duration.ofNanos(-1)));
        }
    }
}
