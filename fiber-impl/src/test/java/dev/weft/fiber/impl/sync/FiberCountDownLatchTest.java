package dev.weft.fiber.impl.sync;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link FiberCountDownLatch}: release at zero, visibility, and waiters that give up. */
class FiberCountDownLatchTest extends SyncTestSupport {

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void countDownsFromFibersAndAThreadReleaseEveryWaiter(String kind) throws Exception {
        FiberScheduler s = scheduler(kind);
        int counters = 50;
        FiberCountDownLatch latch = new FiberCountDownLatch(counters + 1);
        int[] written = new int[counters];
        AtomicInteger sawAll = new AtomicInteger();
        List<Fiber<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            waiters.add(start(s, () -> {
                latch.await();
                int sum = 0;
                for (int w : written) {
                    sum += w;
                }
                if (sum == counters) {
                    sawAll.incrementAndGet(); // plain writes before countDown are visible after await
                }
                return null;
            }));
        }
        List<Fiber<Void>> countDowners = new ArrayList<>();
        for (int i = 0; i < counters; i++) {
            int id = i;
            countDowners.add(start(s, () -> {
                Fiber.yield();
                written[id] = 1;
                latch.countDown();
            }));
        }
        Await.joinedAll(countDowners);
        assertEquals(1, latch.getCount());
        Thread last = Thread.ofPlatform().name("latch-counter").start(latch::countDown);
        Await.joined(last);
        for (Fiber<Void> f : waiters) {
            assertTrue(f.join(Await.HANG), "a waiter was not released: " + latch);
            f.get();
        }
        assertEquals(waiters.size(), sawAll.get());
        assertEquals(0, latch.getCount());
        latch.countDown();
        assertEquals(0, latch.getCount(), "a countDown at zero changed the count");
        assertTrue(latch.toString().contains("count = 0"), latch.toString());
    }

    @Test
    void zeroCountReturnsAtOnceAndNegativeIsRefused() throws Exception {
        FiberCountDownLatch open = new FiberCountDownLatch(0);
        open.await();
        assertTrue(open.await(0, TimeUnit.SECONDS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FiberCountDownLatch(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(NullPointerException.class, () -> open.await(1, null));
    }

    @Test
    void timedAwaitTimesOutAndLeavesNoWaiter() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberCountDownLatch latch = new FiberCountDownLatch(1);
        assertFalse(latch.await(0, TimeUnit.SECONDS));
        List<Fiber<Boolean>> fibers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            fibers.add(start(s, () -> latch.await(1, TimeUnit.MILLISECONDS)));
        }
        for (Fiber<Boolean> f : fibers) {
            assertFalse(f.get(Await.HANG));
        }
        assertTrue(latch.toString().contains("waiting = 0"), "timed-out waiters left nodes: " + latch);
        Fiber<Boolean> patient = start(s, () -> latch.await(60, TimeUnit.SECONDS));
        Await.until("waiting", () -> latch.toString().contains("waiting = 1"));
        latch.countDown();
        assertTrue(patient.get(Await.HANG));
    }

    @Test
    void interruptedAndCancelledWaitersLeave() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberCountDownLatch latch = new FiberCountDownLatch(1);
        Fiber<String> interrupted = start(s, () -> {
            try {
                latch.await();
                return "released";
            } catch (InterruptedException e) {
                return Fiber.interrupted() ? "status kept" : "ok";
            }
        });
        Fiber<Void> cancelled = start(s, () -> {
            latch.await();
            return null;
        });
        Await.until("both waiting", () -> latch.toString().contains("waiting = 2"));
        interrupted.interrupt();
        cancelled.cancel();
        assertEquals("ok", interrupted.get(Await.HANG));
        try {
            cancelled.get(Await.HANG);
            fail("a cancelled waiter returned");
        } catch (CancellationException expected) {
            // cancelled
        }
        assertTrue(latch.toString().contains("waiting = 0"), latch.toString());
        assertEquals(1, latch.getCount());
        Fiber<String> preInterrupted = start(s, () -> {
            Fiber.current().interrupt();
            try {
                new FiberCountDownLatch(0).await();
                return "await ignored the interrupt";
            } catch (InterruptedException e) {
                return "ok"; // as CountDownLatch: an interrupt on entry throws, even at zero
            }
        });
        assertEquals("ok", preInterrupted.get(Await.HANG));
    }

    @Test
    void threadAwaitsWhatFibersCountDown() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberCountDownLatch latch = new FiberCountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            start(s, latch::countDown);
        }
        assertTrue(latch.await(Await.HANG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, latch.getCount());
    }

    /** A waiter's await racing the count-down to zero (see {@link #raceWaiterAgainstRelease}). */
    @Test
    void waiterArrivingAsTheCountReachesZeroIsNeverLeftParked() throws Exception {
        java.util.concurrent.atomic.AtomicReference<FiberCountDownLatch> latch = new java.util.concurrent.atomic.AtomicReference<>();
        raceWaiterAgainstRelease(() -> String.valueOf(latch.get()), 20_000, () -> latch.set(new FiberCountDownLatch(1)), () -> {
            try {
                latch.get().await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, () -> latch.get().countDown());
    }
}
