package dev.weft.fiber.impl.sync;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberSemaphore;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link FiberSemaphore}: the permit bound under migration, multi-permit acquires, negative
 * counts, drain and reduce, fairness, and waiters that give up without losing permits.
 */
class FiberSemaphoreTest extends SyncTestSupport {

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void permitsBoundHowManyAreInsideAtOnce(String kind) throws Exception {
        FiberScheduler s = scheduler(kind);
        for (boolean fair : new boolean[] {false, true}) {
            int permits = 3;
            FiberSemaphore sem = new FiberSemaphore(permits, fair);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int want = 1 + (i & 1);
                fibers.add(start(s, () -> {
                    for (int r = 0; r < 5; r++) {
                        sem.acquire(want);
                        try {
                            int now = inside.addAndGet(want);
                            maxInside.accumulateAndGet(now, Math::max);
                            Fiber.yield();
                        } finally {
                            inside.addAndGet(-want);
                            sem.release(want);
                        }
                    }
                    return null;
                }));
            }
            for (Fiber<Void> f : fibers) {
                assertTrue(f.join(Await.HANG), "a fiber hung: " + sem);
                f.get();
            }
            assertTrue(maxInside.get() <= permits, "more permits in use than exist: " + maxInside.get());
            assertEquals(permits, sem.availablePermits(), "permits lost or made up: " + sem);
            assertEquals(0, sem.getQueueLength());
        }
    }

    @Test
    void multiPermitAcquireWaitsForAllOfThem() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberSemaphore sem = new FiberSemaphore(0);
        Fiber<Void> f = start(s, () -> {
            sem.acquire(3);
            return null;
        });
        Await.until("queued", () -> sem.getQueueLength() == 1);
        sem.release(2);
        assertEquals(2, sem.availablePermits(), "a partial release was handed out to a larger request");
        assertEquals(1, sem.getQueueLength());
        assertFalse(f.isDone());
        sem.release();
        Await.joined(f);
        f.get();
        assertEquals(0, sem.availablePermits());
        assertTrue(sem.tryAcquire(0));
        sem.acquire(0);
        sem.acquireUninterruptibly(0);
        assertTrue(sem.tryAcquire(0, 0, TimeUnit.SECONDS));
    }

    @Test
    void negativeStartDrainAndReduce() throws Exception {
        FiberSemaphore sem = new FiberSemaphore(-2);
        assertEquals(-2, sem.availablePermits());
        assertFalse(sem.tryAcquire());
        assertFalse(sem.tryAcquire(1, 0, TimeUnit.SECONDS));
        sem.release(3);
        assertEquals(1, sem.availablePermits());
        sem.acquire();
        assertEquals(0, sem.availablePermits());
        sem.release(5);
        assertEquals(5, sem.drainPermits());
        assertEquals(0, sem.availablePermits());
        assertEquals(0, sem.drainPermits());
        sem.reducePermits(3);
        assertEquals(-3, sem.availablePermits());
        assertFalse(sem.tryAcquire(0), "as Semaphore: zero permits are not available while the count is negative");
        assertFalse(sem.tryAcquire(0, 0, TimeUnit.SECONDS));
        assertEquals(-3, sem.drainPermits(), "as Semaphore: a negative count is reset to 0 and returned");
        assertEquals(0, sem.availablePermits());
        sem.reducePermits(0);
        assertEquals(0, sem.availablePermits());
        assertTrue(sem.toString().contains("permits = 0"), sem.toString());
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        FiberSemaphore sem = new FiberSemaphore(1);
        for (Runnable bad : List.<Runnable>of(
                () -> sem.release(-1),
                () -> sem.acquireUninterruptibly(-1),
                () -> sem.tryAcquire(-1),
                () -> sem.reducePermits(-1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> sem.acquire(-1));
        assertThrows(IllegalArgumentException.class, () -> sem.tryAcquire(-1, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> sem.tryAcquire(1, 1, null));
        assertEquals(1, sem.availablePermits());
        FiberSemaphore full = new FiberSemaphore(Integer.MAX_VALUE);
        assertThrows(Error.class, full::release);
        assertEquals(Integer.MAX_VALUE, full.availablePermits());
    }

    @Test
    void fairSemaphoreServesWaitersInOrderAndALargeRequestHoldsBackThoseBehind() throws Exception {
        FiberScheduler s = Schedulers.fifo(1);
        try {
            FiberSemaphore sem = new FiberSemaphore(0, true);
            assertTrue(sem.isFair());
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            List<Fiber<Void>> fibers = new ArrayList<>();
            int[] wants = {1, 3, 1, 2, 1};
            for (int i = 0; i < wants.length; i++) {
                int id = i;
                int want = wants[i];
                fibers.add(start(s, () -> {
                    sem.acquire(want);
                    order.add(id);
                    return null;
                }));
                int queued = i + 1;
                Await.until("waiter " + i + " queued", () -> sem.getQueueLength() == queued);
            }
            sem.release(2); // the first (1) is served; the second (3) is not, and holds back the rest
            Await.until("first served", () -> order.size() == 1);
            assertEquals(1, sem.availablePermits());
            assertEquals(4, sem.getQueueLength());
            assertFalse(sem.tryAcquire(1, 0, TimeUnit.SECONDS), "a fair timed tryAcquire barged past waiters");
            assertTrue(sem.tryAcquire(), "an untimed tryAcquire must barge, even when fair");
            sem.release(1 + 3 + 1 + 2 + 1 - 1);
            Await.joinedAll(fibers);
            assertEquals(List.of(0, 1, 2, 3, 4), new ArrayList<>(order));
            assertEquals(0, sem.availablePermits());
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void timedOutInterruptedAndCancelledWaitersTakeNothingAndLeaveNothing() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberSemaphore sem = new FiberSemaphore(1);
        assertFalse(start(s, () -> sem.tryAcquire(2, 2, TimeUnit.MILLISECONDS)).get(Await.HANG));
        assertEquals(1, sem.availablePermits());
        assertEquals(0, sem.getQueueLength());

        Fiber<String> interrupted = start(s, () -> {
            try {
                sem.acquire(2);
                return "acquired";
            } catch (InterruptedException e) {
                return Fiber.interrupted() ? "status kept" : "ok";
            }
        });
        Await.until("queued", () -> sem.getQueueLength() == 1);
        interrupted.interrupt();
        assertEquals("ok", interrupted.get(Await.HANG));
        assertEquals(1, sem.availablePermits());
        assertEquals(0, sem.getQueueLength());

        AtomicBoolean finallyRan = new AtomicBoolean();
        Fiber<Void> cancelled = start(s, () -> {
            try {
                sem.acquireUninterruptibly(2);
            } finally {
                finallyRan.set(true);
            }
        });
        Await.until("queued", () -> sem.getQueueLength() == 1);
        cancelled.cancel();
        try {
            cancelled.get(Await.HANG);
            fail("a cancelled waiter acquired");
        } catch (CancellationException expected) {
            // cancelled while waiting
        }
        assertTrue(finallyRan.get());
        assertEquals(1, sem.availablePermits());
        assertEquals(0, sem.getQueueLength());

        Fiber<String> preInterrupted = start(s, () -> {
            Fiber.current().interrupt();
            try {
                sem.acquire(0);
                return "acquire(0) ignored the interrupt";
            } catch (InterruptedException e) {
                return "ok";
            }
        });
        assertEquals("ok", preInterrupted.get(Await.HANG));
    }

    @Test
    void acquireUninterruptiblyKeepsTheInterruptStatus() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberSemaphore sem = new FiberSemaphore(0);
        Fiber<String> f = start(s, () -> {
            sem.acquireUninterruptibly();
            return Fiber.interrupted() ? "ok" : "the interrupt status was lost";
        });
        Await.until("queued", () -> sem.getQueueLength() == 1);
        f.interrupt();
        Await.state(f, Fiber.State.PARKED);
        assertEquals(1, sem.getQueueLength(), "an interrupt ended an uninterruptible acquire");
        sem.release();
        assertEquals("ok", f.get(Await.HANG));
    }

    /**
     * Releases racing with waiters that time out, are interrupted or are cancelled (some just as
     * they are granted): at the end every permit is back and no waiter is left.
     */
    @Test
    void permitsAreConservedWhenWaitersGiveUpWhileBeingGranted() throws Exception {
        FiberScheduler s = scheduler("workStealing(4)");
        for (boolean fair : new boolean[] {false, true}) {
            int permits = 4;
            FiberSemaphore sem = new FiberSemaphore(permits, fair);
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 1_500; i++) {
                int kind = i % 3;
                fibers.add(start(s, () -> {
                    for (int r = 0; r < 5; r++) {
                        int want = ThreadLocalRandom.current().nextInt(1, 3);
                        boolean got;
                        try {
                            got = kind == 0 ? sem.tryAcquire(want, 100, TimeUnit.MICROSECONDS) : acquired(sem, want, kind);
                        } catch (InterruptedException e) {
                            continue;
                        }
                        if (got) {
                            try {
                                Fiber.yield();
                            } finally {
                                sem.release(want);
                            }
                        }
                    }
                }));
            }
            for (int i = 0; i < fibers.size(); i += 5) {
                if (i % 2 == 0) {
                    fibers.get(i).cancel();
                } else {
                    fibers.get(i).interrupt();
                }
            }
            for (Fiber<Void> f : fibers) {
                assertTrue(f.join(Await.HANG), "a fiber hung: " + sem);
            }
            assertEquals(permits, sem.availablePermits(), "permits lost or made up: " + sem);
            assertEquals(0, sem.getQueueLength());
        }
    }

    private static boolean acquired(FiberSemaphore sem, int want, int kind) throws InterruptedException {
        if (kind == 1) {
            sem.acquire(want);
        } else {
            sem.acquireUninterruptibly(want);
        }
        return true;
    }

    @Test
    void fibersAndThreadsShareASemaphore() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberSemaphore sem = new FiberSemaphore(0);
        int n = 500;
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                sem.acquire();
                return null;
            }));
        }
        Thread waitingThread = Thread.ofPlatform().name("semaphore-thread").start(() -> sem.acquireUninterruptibly(2));
        Thread releaser = Thread.ofPlatform().name("semaphore-releaser").start(() -> {
            for (int i = 0; i < n + 2; i++) {
                sem.release();
            }
        });
        Await.joinedAll(fibers);
        Await.joined(waitingThread);
        Await.joined(releaser);
        assertEquals(0, sem.availablePermits());
        assertEquals(0, sem.getQueueLength());
    }

    /** A waiter's acquire racing the release that satisfies it (see {@link #raceWaiterAgainstRelease}). */
    @ParameterizedTest(name = "fair = {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void waiterArrivingAsPermitsAreReleasedIsNeverLeftParked(boolean fair) throws Exception {
        FiberSemaphore sem = new FiberSemaphore(0, fair);
        raceWaiterAgainstRelease(sem::toString, 20_000, () -> { }, () -> sem.acquireUninterruptibly(2), () -> sem.release(2));
        assertEquals(0, sem.availablePermits());
        assertEquals(0, sem.getQueueLength());
    }
}
