package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fiber that starts or wakes another and then stays in its task, computing or blocked outside
 * Weft, does not keep that fiber from running. The scheduler queues work a carrier's own fiber
 * makes without waking an idle carrier (the carrier takes it at its next look), so what makes it
 * run here is the watchdog: its release of kept work once the carrier has been in one task for a
 * tick, or else the stand-in it starts for a carrier blocked or busy in one task. The other
 * carriers have parked before each round, so no spinning carrier takes the work by chance.
 */
@Timeout(120)
class WorkQueuedWithoutASignalRunsWhileItsCarrierStaysInOneTaskTest {

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @CsvSource({
            "fifo, spawn, busy", "fifo, spawn, blocked", "fifo, wake, busy", "fifo, wake, blocked",
            "work-stealing, spawn, busy", "work-stealing, spawn, blocked",
            "work-stealing, wake, busy", "work-stealing, wake, blocked"})
    void theQueuedFiberRuns(String kind, String how, String stay) throws Exception {
        CarrierPool pool = kind.equals("fifo") ? new FifoScheduler(2) : new WorkStealingScheduler(2);
        try {
            for (int round = 0; round < 10; round++) {
                Thread.sleep(30); // past the carriers' spin: they park
                AtomicBoolean ran = new AtomicBoolean();
                CountDownLatch ranLatch = new CountDownLatch(1);
                Fiber<Void> sleeper = null;
                if (how.equals("wake")) {
                    sleeper = Fiber.builder().scheduler(pool).start(() -> {
                        Fiber.park();
                        while (!ran.get() && !Fiber.current().isCancelled()) {
                            Fiber.park(); // a spurious return: park again
                        }
                        return null;
                    });
                    Thread.sleep(30);
                }
                Fiber<Void> other = sleeper;
                Fiber<Boolean> stayer = Fiber.builder().scheduler(pool).start(() -> {
                    if (other == null) {
                        Fiber.builder().scheduler(pool).start(() -> {
                            ran.set(true);
                            ranLatch.countDown();
                        });
                    } else {
                        ran.set(true);
                        LockSupportFree.unpark(other, ranLatch);
                    }
                    // Stay in this task until the other fiber has run, up to 10 s.
                    if (stay.equals("busy")) {
                        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (ranLatch.getCount() > 0 && System.nanoTime() - until < 0) {
                            Thread.onSpinWait();
                        }
                        return ranLatch.getCount() == 0;
                    }
                    return ranLatch.await(10, TimeUnit.SECONDS); // blocks the carrier thread
                });
                assertTrue(stayer.get(), kind + ": the fiber queued by a " + stay + " fiber (" + how
                        + ") did not run within 10 s, round " + round);
                if (sleeper != null) {
                    sleeper.get(java.time.Duration.ofSeconds(10));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Wakes {@code sleeper} from the calling fiber, and counts the latch down once it has run. */
    private static final class LockSupportFree {
        static void unpark(Fiber<Void> sleeper, CountDownLatch ran) {
            sleeper.unpark();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    sleeper.get(java.time.Duration.ofSeconds(10));
                    ran.countDown();
                } catch (Exception e) {
                    // the assertion reports the missing count-down
                }
            });
        }
    }
}
