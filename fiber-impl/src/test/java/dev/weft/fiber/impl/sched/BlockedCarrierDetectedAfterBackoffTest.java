package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog backs off while the carriers keep switching tasks, and still compensates carriers
 * that then block outside Weft: every carrier blocks in a {@link CountDownLatch} that only a fiber
 * queued behind them can open, after a calm period in which the watchdog's interval grows to its
 * longest ({@link WatchdogBackoffTest} pins the policy itself).
 */
@Timeout(120)
class BlockedCarrierDetectedAfterBackoffTest {

    @ParameterizedTest(name = "{0}({1})")
    @CsvSource({"work-stealing, 1", "work-stealing, 2", "fifo, 1", "fifo, 2"})
    void carriersBlockingAfterACalmPeriodAreStillCompensated(String kind, int carriers) throws Exception {
        CarrierPool pool = kind.equals("fifo") ? new FifoScheduler(carriers) : new WorkStealingScheduler(carriers);
        try {
            for (int round = 0; round < 5; round++) {
                Await.until("the stand-ins of the previous round to retire (" + pool.stats() + ")",
                        () -> pool.stats().compensating() == 0 && pool.stats().carriers() == carriers);
                // A calm period: fibers that yield all the time, so every look sees new tasks.
                AtomicBoolean stop = new AtomicBoolean();
                List<Fiber<?>> spinners = new ArrayList<>();
                for (int i = 0; i < 200; i++) { // hundreds of fibers, migrating between carriers as they yield
                    spinners.add(Fiber.builder().scheduler(pool).start((Runnable) () -> {
                        while (!stop.get()) {
                            Fiber.yield();
                        }
                    }));
                }
                // Calm looks: on a quiet machine the interval reaches its longest within some tens
                // of milliseconds. On a loaded one a carrier thread descheduled for a whole tick
                // looks stuck in its task, which keeps the interval short; the carriers must be
                // compensated either way, so this waits a bounded time and goes on.
                long calmUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
                while (pool.watchdogIntervalNanos() < WatchdogBackoff.MAX_INTERVAL_NANOS && System.nanoTime() < calmUntil) {
                    Thread.sleep(5);
                }
                CountDownLatch blocked = new CountDownLatch(carriers);
                CountDownLatch open = new CountDownLatch(1);
                java.util.Set<Thread> blockedCarriers = java.util.concurrent.ConcurrentHashMap.newKeySet();
                java.util.concurrent.atomic.AtomicReference<Thread> openerCarrier = new java.util.concurrent.atomic.AtomicReference<>();
                List<Fiber<?>> blockers = new ArrayList<>();
                for (int i = 0; i < carriers; i++) {
                    blockers.add(Fiber.builder().scheduler(pool).start((Runnable) () -> {
                        blockedCarriers.add(Thread.currentThread()); // the carrier: a raw fiber runs on it
                        blocked.countDown();
                        try {
                            open.await(); // blocks the carrier thread: WAITING, outside Weft
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                // Every carrier is (about to be) blocked in a blocker; only a stand-in can run the opener.
                assertTrue(blocked.await(Await.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
                        "the blockers did not start: " + pool.stats());
                Fiber<?> opener = Fiber.builder().scheduler(pool).start((Runnable) () -> {
                    openerCarrier.set(Thread.currentThread());
                    open.countDown();
                });
                Await.joined(opener);
                for (Fiber<?> f : blockers) {
                    Await.joined(f);
                }
                // Every carrier the blockers held stayed blocked until the opener ran: it ran on
                // another one, a stand-in started for them (or one still there from a busy mark).
                assertEquals(carriers, blockedCarriers.size(), "the blockers ran on distinct carriers");
                assertFalse(blockedCarriers.contains(openerCarrier.get()),
                        "round " + round + ": the opener ran on a carrier that was blocked: " + pool.stats());
                stop.set(true);
                for (Fiber<?> f : spinners) {
                    Await.joined(f);
                }
            }
            assertTrue(pool.stats().compensationsTotal() > 0, pool.stats().toString());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(Await.HANG), "did not terminate: " + pool.stats());
        }
    }
}
