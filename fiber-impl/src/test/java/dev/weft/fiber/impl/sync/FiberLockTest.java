package dev.weft.fiber.impl.sync;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link FiberLock}: mutual exclusion under forced migration, ownership by the fiber (not the
 * carrier), reentrancy, the {@code ReentrantLock} exceptions, fairness, and waiters that time out,
 * are interrupted or cancelled leaving the lock consistent.
 */
class FiberLockTest extends SyncTestSupport {

    private static final int FIBERS = 2_000;
    private static final int ROUNDS = 20;

    // ----------------------------------------------------------------------------------------
    // Mutual exclusion

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void nonFairLockExcludesWhileHoldersSuspendAndMigrate(String kind) throws Exception {
        mutualExclusion(scheduler(kind), new FiberLock());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void fairLockExcludesWhileHoldersSuspendAndMigrate(String kind) throws Exception {
        mutualExclusion(scheduler(kind), new FiberLock(true));
    }

    /**
     * Thousands of fibers increment a plain counter under the lock, suspending inside the critical
     * section (a yield, now and then a sleep of up to a millisecond), so that holders resume on
     * other carriers: the count is exact and never are two inside at once.
     */
    private static void mutualExclusion(FiberScheduler s, FiberLock lock) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger migrations = new AtomicInteger();
        int[] counter = {0};
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < FIBERS; i++) {
            fibers.add(start(s, () -> {
                for (int r = 0; r < ROUNDS; r++) {
                    lock.lock();
                    try {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        int before = counter[0];
                        Thread carrier = actualCarrier();
                        if (ThreadLocalRandom.current().nextInt(256) == 0) {
                            sleepUninterrupted(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1_000_000)));
                        } else {
                            Fiber.yield();
                        }
                        if (actualCarrier() != carrier) {
                            migrations.incrementAndGet();
                        }
                        counter[0] = before + 1;
                        inside.decrementAndGet();
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        for (Fiber<Void> f : fibers) {
            assertTrue(f.join(Await.HANG), "a fiber did not finish: " + lock);
            f.get();
        }
        assertEquals(0, overlaps.get(), "two holders were inside the critical section at once");
        assertTrue(migrations.get() > 0, "no holder resumed on another carrier inside the critical section");
        lock.lock();
        try {
            assertEquals(FIBERS * ROUNDS, counter[0], "lost updates under the lock");
        } finally {
            lock.unlock();
        }
        assertFalse(lock.isLocked());
        assertEquals(0, lock.getQueueLength());
    }

    @Test
    void fibersAndThreadsShareOneLock() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        long[] counter = {0};
        int perStrand = 2_000;
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fibers.add(start(s, () -> {
                for (int r = 0; r < perStrand; r++) {
                    lock.lock();
                    try {
                        counter[0]++;
                        if ((r & 63) == 0) {
                            Fiber.yield();
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(Thread.ofPlatform().name("lock-thread-" + i).start(() -> {
                for (int r = 0; r < perStrand; r++) {
                    lock.lock();
                    try {
                        counter[0]++;
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        Await.joinedAll(fibers);
        threads.forEach(Await::joined);
        lock.lock();
        try {
            assertEquals(103L * perStrand, counter[0]);
        } finally {
            lock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------------
    // Ownership belongs to the fiber

    /**
     * A fiber locks, then sleeps until it resumes on another carrier: it still holds the lock
     * there and unlocks it; meanwhile fibers that ran on its first carrier (and on the others) do
     * not hold it and cannot take it.
     */
    @Test
    void ownershipFollowsTheFiberToAnotherCarrier() throws Exception {
        FiberScheduler s = scheduler("workStealing(4)");
        FiberLock lock = new FiberLock();
        AtomicReference<Thread> firstCarrier = new AtomicReference<>();
        CountDownLatch probingDone = new CountDownLatch(1);
        Fiber<String> holder = start(s, () -> {
            lock.lock();
            Thread first = actualCarrier();
            firstCarrier.set(first);
            int suspensions = 0;
            // Bounded: sleeps are woken by the timer thread, whose resubmissions any idle carrier may take.
            while (probingDone.getCount() > 0 || actualCarrier() == first) {
                if (++suspensions > 20_000) {
                    return "never resumed on another carrier (or no probe ran on the first) after " + suspensions + " sleeps";
                }
                sleepUninterrupted(Duration.ofMillis(1));
            }
            if (!lock.isHeldByCurrentThread() || lock.getHoldCount() != 1) {
                return "after migrating from " + first + " to " + actualCarrier() + ": held " + lock.isHeldByCurrentThread()
                        + ", holds " + lock.getHoldCount();
            }
            lock.unlock();
            return lock.isLocked() ? "still locked after unlock: " + lock : "ok";
        });
        Await.until("the holder locked", () -> firstCarrier.get() != null);
        Thread first = firstCarrier.get();
        int probesOnFirst = 0;
        List<String> wrong = new ArrayList<>();
        for (int attempt = 0; attempt < 10_000 && probesOnFirst < 3 && !holder.isDone(); attempt++) {
            Fiber<String> probe = start(s, () -> {
                String where = actualCarrier() == first ? "first" : "other";
                boolean held = lock.isHeldByCurrentThread();
                int holds = lock.getHoldCount();
                boolean took = lock.tryLock();
                if (took) {
                    lock.unlock();
                }
                return held || holds != 0 || took ? "a probe on the " + where + " carrier: held " + held + ", holds " + holds
                        + ", tryLock " + took : where;
            });
            String r = probe.get(Await.HANG);
            if (r.equals("first")) {
                probesOnFirst++;
            } else if (!r.equals("other")) {
                wrong.add(r);
            }
        }
        probingDone.countDown(); // the holder may now look for another carrier and unlock there
        assertEquals(List.of(), wrong, "fibers other than the holder saw the lock as theirs");
        assertTrue(probesOnFirst > 0, "no probe fiber ran on the holder's first carrier");
        assertEquals("ok", holder.get(Await.HANG));
        assertFalse(lock.isLocked());
    }

    @Test
    void threadDoesNotOwnWhatAFiberHolds() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Fiber<Void> f = start(s, () -> {
            lock.lock();
            locked.countDown();
            try {
                Fiber.await(java.util.concurrent.CompletableFuture.runAsync(() -> awaitQuietly(release)));
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                lock.unlock();
            }
        });
        assertTrue(locked.await(Await.HANG.toSeconds(), TimeUnit.SECONDS));
        assertTrue(lock.isLocked());
        assertFalse(lock.isHeldByCurrentThread());
        assertEquals(0, lock.getHoldCount());
        assertFalse(lock.tryLock());
        assertFalse(lock.tryLock(1, TimeUnit.MILLISECONDS));
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(e.getMessage().contains("does not hold"), e.getMessage());
        release.countDown();
        Await.joined(f);
        f.get();
        assertFalse(lock.isLocked());
    }

    // ----------------------------------------------------------------------------------------
    // Reentrancy, exceptions, queries

    @Test
    void reentrantHoldsAreCountedInAFiberAndAThread() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        assertEquals("ok", start(s, () -> reentrancy(lock)).get(Await.HANG));
        assertEquals("ok", reentrancy(lock));
    }

    private static String reentrancy(FiberLock lock) throws InterruptedException {
        lock.lock();
        lock.lockInterruptibly();
        if (!lock.tryLock() || !lock.tryLock(1, TimeUnit.SECONDS)) {
            return "reentry refused";
        }
        if (lock.getHoldCount() != 4 || !lock.isHeldByCurrentThread() || !lock.isLocked()) {
            return "holds " + lock.getHoldCount();
        }
        if (!lock.toString().contains("holds = 4")) {
            return "toString: " + lock;
        }
        Fiber.yield();
        for (int expected = 3; expected >= 0; expected--) {
            lock.unlock();
            if (lock.getHoldCount() != expected) {
                return "after an unlock, holds " + lock.getHoldCount() + " instead of " + expected;
            }
        }
        if (lock.isLocked() || lock.isHeldByCurrentThread()) {
            return "still locked after the last unlock";
        }
        try {
            lock.unlock();
            return "an unlock of a free lock did not throw";
        } catch (IllegalMonitorStateException expected) {
            return lock.toString().contains("unlocked") ? "ok" : "toString: " + lock;
        }
    }

    @Test
    void unlockByAnotherFiberThrowsAndLeavesTheOwnerHoldingIt() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        lock.lock(); // the test thread owns it
        Fiber<Throwable> other = start(s, () -> {
            try {
                lock.unlock();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertInstanceOf(IllegalMonitorStateException.class, other.get(Await.HANG));
        assertTrue(lock.isHeldByCurrentThread());
        assertEquals(1, lock.getHoldCount());
        lock.unlock();
        assertFalse(lock.isLocked());
    }

    @Test
    void fairLockGrantsInArrivalOrder() throws Exception {
        FiberScheduler s = Schedulers.fifo(1);
        try {
            FiberLock lock = new FiberLock(true);
            assertTrue(lock.isFair());
            assertFalse(new FiberLock().isFair());
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            lock.lock();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int id = i;
                fibers.add(start(s, () -> {
                    lock.lock();
                    try {
                        order.add(id);
                        Fiber.yield(); // hold it across a suspension: the others stay queued in order
                    } finally {
                        lock.unlock();
                    }
                }));
                int queued = i + 1;
                Await.until("waiter " + i + " queued", () -> lock.getQueueLength() == queued);
            }
            assertTrue(lock.hasQueuedThreads());
            lock.unlock();
            Await.joinedAll(fibers);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add(i);
            }
            assertEquals(expected, new ArrayList<>(order));
        } finally {
            s.shutdownNow();
        }
    }

    // ----------------------------------------------------------------------------------------
    // Waiters that give up

    @Test
    void timedTryLockTimesOutAndLeavesNoWaiter() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        for (FiberLock lock : List.of(new FiberLock(), new FiberLock(true))) {
            lock.lock();
            List<Fiber<Boolean>> fibers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                fibers.add(start(s, () -> lock.tryLock(ThreadLocalRandom.current().nextInt(1, 3), TimeUnit.MILLISECONDS)));
            }
            for (Fiber<Boolean> f : fibers) {
                assertFalse(f.get(Await.HANG), "a timed tryLock succeeded while the lock was held");
            }
            assertEquals(0, lock.getQueueLength(), "timed-out waiters left nodes: " + lock);
            assertFalse(lock.hasQueuedThreads());
            assertFalse(lock.tryLock(0, TimeUnit.SECONDS) && !lock.isHeldByCurrentThread());
            lock.unlock();
            lock.unlock(); // the reentrant tryLock(0) above
            assertFalse(lock.isLocked());
            assertTrue(start(s, () -> lock.tryLock(1, TimeUnit.SECONDS)).get(Await.HANG), "a free lock refused a timed tryLock");
        }
    }

    @Test
    void lockInterruptiblyThrowsOnInterruptAndClearsTheStatus() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        lock.lock();
        Fiber<String> waiter = start(s, () -> {
            try {
                lock.lockInterruptibly();
                return "acquired";
            } catch (InterruptedException e) {
                return Fiber.interrupted() ? "status still set" : "interrupted, held " + lock.isHeldByCurrentThread();
            }
        });
        Await.until("the waiter queued", () -> lock.getQueueLength() == 1);
        waiter.interrupt();
        assertEquals("interrupted, held false", waiter.get(Await.HANG));
        assertEquals(0, lock.getQueueLength());
        lock.unlock();
        Fiber<String> preInterrupted = start(s, () -> {
            Fiber.current().interrupt();
            try {
                lock.lockInterruptibly();
                return "acquired a free lock despite the interrupt";
            } catch (InterruptedException e) {
                return lock.isLocked() ? "locked" : "ok";
            }
        });
        assertEquals("ok", preInterrupted.get(Await.HANG));
        assertTrue(start(s, (java.util.concurrent.Callable<Boolean>) lock::tryLock).get(Await.HANG));
    }

    @Test
    void lockIgnoresInterruptsAndKeepsTheStatus() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        lock.lock();
        Fiber<String> waiter = start(s, () -> {
            lock.lock();
            try {
                if (!lock.isHeldByCurrentThread()) {
                    return "lock() returned without the lock";
                }
                return Fiber.interrupted() ? "ok" : "the interrupt status was lost";
            } finally {
                lock.unlock();
            }
        });
        Await.until("the waiter queued", () -> lock.getQueueLength() == 1);
        waiter.interrupt();
        Await.state(waiter, Fiber.State.PARKED); // still (or again) waiting: the interrupt did not end lock()
        assertEquals(1, lock.getQueueLength(), "an interrupt ended an uninterruptible lock()");
        lock.unlock();
        assertEquals("ok", waiter.get(Await.HANG));
    }

    @Test
    void cancelledWaiterRunsItsFinallyAndLeavesTheLockUsable() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        lock.lock();
        AtomicBoolean acquired = new AtomicBoolean();
        CountDownLatch finallyRan = new CountDownLatch(1);
        Fiber<Void> waiter = start(s, () -> {
            try {
                lock.lock();
                acquired.set(true);
                lock.unlock();
            } finally {
                finallyRan.countDown();
            }
        });
        Await.until("the waiter queued", () -> lock.getQueueLength() == 1);
        assertTrue(waiter.cancel());
        try {
            waiter.get(Await.HANG);
            fail("a cancelled waiter completed");
        } catch (CancellationException expected) {
            // the fiber reports itself cancelled
        }
        assertTrue(finallyRan.await(Await.HANG.toSeconds(), TimeUnit.SECONDS));
        assertFalse(acquired.get());
        assertEquals(0, lock.getQueueLength(), "the cancelled waiter left its node: " + lock);
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        assertTrue(start(s, () -> {
            lock.lock();
            lock.unlock();
            return true;
        }).get(Await.HANG));
    }

    /**
     * A cancel racing the hand-off of a fair lock to its waiter: whichever comes first, the
     * cancelled waiter never leaves the lock owned by a fiber that has ended.
     */
    @Test
    void cancelRacingAHandOffNeverLeavesTheLockOwnedByTheCancelled() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        for (int round = 0; round < 300; round++) {
            FiberLock lock = new FiberLock(round % 2 == 0);
            lock.lock();
            Fiber<Void> waiter = start(s, () -> {
                lock.lock();
                lock.unlock();
            });
            Await.until("the waiter queued", () -> lock.getQueueLength() == 1);
            if (round % 3 == 0) {
                lock.unlock();
                waiter.cancel();
            } else {
                waiter.cancel();
                lock.unlock();
            }
            Await.until("the waiter ended", waiter::isDone);
            assertFalse(lock.isLocked(), "round " + round + ": locked after its waiter ended: " + lock);
            assertEquals(0, lock.getQueueLength());
            assertTrue(lock.tryLock());
            lock.unlock();
        }
    }

    @Test
    void manyWaitersCancelledInterruptedAndTimedOutLeaveTheLockConsistent() throws Exception {
        FiberScheduler s = scheduler("workStealing(4)");
        for (FiberLock lock : List.of(new FiberLock(), new FiberLock(true))) {
            AtomicInteger acquisitions = new AtomicInteger();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 1_500; i++) {
                int kind = i % 3;
                fibers.add(start(s, () -> {
                    for (int r = 0; r < 5; r++) {
                        boolean got;
                        try {
                            got = kind == 0 ? lock.tryLock(200, TimeUnit.MICROSECONDS) : acquire(lock, kind);
                        } catch (InterruptedException e) {
                            continue;
                        }
                        if (got) {
                            try {
                                acquisitions.incrementAndGet();
                                Fiber.yield();
                            } finally {
                                lock.unlock();
                            }
                        }
                    }
                }));
            }
            for (int i = 0; i < fibers.size(); i += 7) {
                if (i % 2 == 0) {
                    fibers.get(i).cancel();
                } else {
                    fibers.get(i).interrupt();
                }
            }
            for (Fiber<Void> f : fibers) {
                assertTrue(f.join(Await.HANG), "a fiber hung: " + lock);
            }
            assertFalse(lock.isLocked(), "locked after every fiber ended: " + lock);
            assertEquals(0, lock.getQueueLength(), "nodes left behind: " + lock);
            assertTrue(acquisitions.get() > 0);
        }
    }

    private static boolean acquire(FiberLock lock, int kind) throws InterruptedException {
        if (kind == 1) {
            lock.lockInterruptibly();
        } else {
            lock.lock();
        }
        return true;
    }

    /**
     * An owner that unlocks and relocks at once, never suspending, on one carrier; waiters on the
     * other: each woken waiter loses its CAS to the owner nearly every time, and only the bound on
     * lost races (then a hand-off) lets each of them in.
     */
    @Test
    void nonFairWaiterIsNotStarvedByARelockingOwner() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        AtomicBoolean stop = new AtomicBoolean();
        Fiber<Long> hog = start(s, () -> {
            long n = 0;
            while (!stop.get()) {
                lock.lock();
                try {
                    n++;
                } finally {
                    lock.unlock();
                }
            }
            return n;
        });
        try {
            for (int i = 0; i < 200; i++) {
                assertTrue(start(s, () -> {
                    lock.lock();
                    lock.unlock();
                    return true;
                }).get(Await.HANG), "a waiter never got the lock from a relocking owner");
            }
        } finally {
            stop.set(true);
        }
        assertTrue(hog.get(Await.HANG) > 0);
    }

    /**
     * The arrival of a waiter racing the owner's unlock, thousands of times, on two threads (so
     * that the two really run at once): a lost wake-up (the owner read "nobody waits" before it
     * freed the lock, the waiter saw the lock held after it queued) leaves the waiter parked with
     * nobody to wake it, and the round never ends.
     */
    @ParameterizedTest(name = "fair = {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void waiterArrivingAsTheOwnerUnlocksIsNeverLeftParked(boolean fair) throws Exception {
        FiberLock lock = new FiberLock(fair);
        raceWaiterAgainstRelease(lock::toString, 20_000, lock::lock, () -> {
            lock.lock();
            lock.unlock();
        }, lock::unlock);
        assertFalse(lock.isLocked());
        assertEquals(0, lock.getQueueLength());
    }

    private static void sleepUninterrupted(Duration d) {
        try {
            Fiber.sleep(d);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
