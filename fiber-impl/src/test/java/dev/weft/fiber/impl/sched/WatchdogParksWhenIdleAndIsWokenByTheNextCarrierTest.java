package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog of a pool whose carriers have all gone idle keeps looking for a few ticks and then
 * parks without a time-out (an idle pool burns no CPU); the carrier woken by the next submission
 * wakes it, so a task that then blocks its carrier is still compensated.
 */
@Timeout(120)
class WatchdogParksWhenIdleAndIsWokenByTheNextCarrierTest {

    @Test
    void aCarrierBlockedAfterTheWatchdogParkedIsCompensated() throws Exception {
        WorkStealingScheduler pool = new WorkStealingScheduler(1);
        try {
            Thread watchdog = watchdogOf(pool);
            for (int round = 0; round < 20; round++) {
                awaitParkedForGood(watchdog, round);
                CountDownLatch release = new CountDownLatch(1);
                Fiber<Boolean> blocker = Fiber.builder().scheduler(pool).start(() -> {
                    // Started from the carrier, the releaser waits in its local queue and
                    // signals nobody: only the watchdog can have it run elsewhere, and only if
                    // the carrier woken for this fiber woke the watchdog.
                    Fiber.builder().scheduler(pool).start(() -> {
                        release.countDown();
                        return null;
                    });
                    return release.await(20, TimeUnit.SECONDS); // blocks the carrier thread
                });
                assertTrue(blocker.get(Duration.ofSeconds(30)),
                        "round " + round + ": the fiber queued behind a carrier blocked after the watchdog parked never ran");
            }
            assertTrue(pool.stats().compensationsTotal() >= 1, "no stand-in was started: " + pool.stats());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIdlePoolsWatchdogEndsUpParkedWithoutATimeOut() throws Exception {
        WorkStealingScheduler pool = new WorkStealingScheduler(2);
        try {
            Fiber.builder().scheduler(pool).start(() -> 1).get();
            awaitParkedForGood(watchdogOf(pool), 0);
            assertEquals(Thread.State.WAITING, watchdogOf(pool).getState());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits until the watchdog is parked without a time-out (state WAITING, not TIMED_WAITING). */
    private static void awaitParkedForGood(Thread watchdog, int round) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // Two WAITING reads 5 ms apart: a timed park shows as TIMED_WAITING, so WAITING twice
        // means it parked for good (a carrier's exit or stand-in retirement can unpark it between).
        while (true) {
            if (watchdog.getState() == Thread.State.WAITING) {
                Thread.sleep(5);
                if (watchdog.getState() == Thread.State.WAITING) {
                    return;
                }
            }
            assertTrue(System.nanoTime() - deadline < 0,
                    "round " + round + ": the watchdog of an idle pool did not park within 10 s: " + watchdog.getState());
            Thread.sleep(2);
        }
    }

    private static Thread watchdogOf(CarrierPool pool) {
        String name = "weft-" + pool.name + "-watchdog";
        Thread found = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name)).findFirst().orElse(null);
        assertNotNull(found, "no thread named " + name);
        return found;
    }
}
