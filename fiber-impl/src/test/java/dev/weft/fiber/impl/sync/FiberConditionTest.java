package dev.weft.fiber.impl.sync;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.Condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Conditions of {@link FiberLock}: a bounded buffer under migration, signal and signalAll, and
 * an await that times out, is interrupted or cancelled always holding the lock again (with its
 * holds) before it returns or throws.
 */
class FiberConditionTest extends SyncTestSupport {

    /** A two-condition bounded buffer, the classic use, here with a small capacity and suspensions inside. */
    private static final class BoundedBuffer {
        final FiberLock lock;
        final Condition notFull;
        final Condition notEmpty;
        final ArrayDeque<Integer> items = new ArrayDeque<>();
        final int capacity;

        BoundedBuffer(int capacity, boolean fair) {
            this.capacity = capacity;
            this.lock = new FiberLock(fair);
            this.notFull = lock.newCondition();
            this.notEmpty = lock.newCondition();
        }

        void put(int x) throws InterruptedException {
            lock.lock();
            try {
                while (items.size() == capacity) {
                    notFull.await();
                }
                items.addLast(x);
                if ((x & 7) == 0) {
                    Fiber.yield(); // a suspension while holding the lock: the holder may resume elsewhere
                }
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        int take() throws InterruptedException {
            lock.lock();
            try {
                while (items.isEmpty()) {
                    notEmpty.await();
                }
                int x = items.removeFirst();
                notFull.signal();
                return x;
            } finally {
                lock.unlock();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void boundedBufferDeliversEveryItemOnce(String kind) throws Exception {
        FiberScheduler s = scheduler(kind);
        for (boolean fair : new boolean[] {false, true}) {
            int producers = 8;
            int consumers = 8;
            int perProducer = 1_500;
            BoundedBuffer buffer = new BoundedBuffer(2, fair);
            AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                fibers.add(start(s, () -> {
                    for (int i = 0; i < perProducer; i++) {
                        buffer.put(base + i);
                    }
                    return null;
                }));
            }
            int perConsumer = producers * perProducer / consumers;
            for (int c = 0; c < consumers; c++) {
                fibers.add(start(s, () -> {
                    for (int i = 0; i < perConsumer; i++) {
                        seen.incrementAndGet(buffer.take());
                    }
                    return null;
                }));
            }
            for (Fiber<Void> f : fibers) {
                assertTrue(f.join(Await.HANG), "a producer or consumer hung: " + buffer.lock);
                f.get();
            }
            for (int i = 0; i < seen.length(); i++) {
                assertEquals(1, seen.get(i), "item " + i + " delivered " + seen.get(i) + " times");
            }
            assertTrue(buffer.items.isEmpty());
            assertFalse(buffer.lock.isLocked());
            assertEquals(0, buffer.lock.getQueueLength());
        }
    }

    /** Starts {@code n} fibers awaiting {@code c}; returns once all of them are in the condition's queue. */
    private static List<Fiber<Boolean>> awaiters(FiberScheduler s, FiberLock lock, Condition c, int n, AtomicInteger woken) {
        AtomicInteger waiting = new AtomicInteger();
        List<Fiber<Boolean>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                lock.lock();
                try {
                    waiting.incrementAndGet();
                    c.await();
                    woken.incrementAndGet();
                    return lock.isHeldByCurrentThread();
                } finally {
                    lock.unlock();
                }
            }));
        }
        // Each awaiter counts itself while holding the lock and awaits (releasing it) before anyone
        // else can lock: once we hold it with every count in, all are in the condition's queue.
        Await.until("all awaiting", () -> waiting.get() == n);
        return fibers;
    }

    @Test
    void signalMovesOneWaiterAndSignalAllMovesTheRest() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        AtomicInteger woken = new AtomicInteger();
        List<Fiber<Boolean>> fibers = awaiters(s, lock, c, 5, woken);
        lock.lock();
        try {
            assertEquals(0, lock.getQueueLength());
            c.signal();
            assertEquals(1, lock.getQueueLength(), "signal moved other than one waiter to the lock");
            c.signal();
            assertEquals(2, lock.getQueueLength());
            c.signalAll();
            assertEquals(5, lock.getQueueLength(), "signalAll left waiters in the condition");
            assertEquals(0, woken.get(), "a signalled waiter returned while the signaller held the lock");
        } finally {
            lock.unlock();
        }
        for (Fiber<Boolean> f : fibers) {
            assertTrue(f.get(Await.HANG), "await returned without the lock");
        }
        assertEquals(5, woken.get());
        lock.lock();
        try {
            c.signal(); // nobody waits: nothing happens
            c.signalAll();
            assertEquals(0, lock.getQueueLength());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void timedAwaitsTimeOutAndReacquireWithTheirHolds() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        for (boolean fair : new boolean[] {false, true}) {
            FiberLock lock = new FiberLock(fair);
            Condition c = lock.newCondition();
            String outcome = start(s, () -> {
                lock.lock();
                lock.lock();
                try {
                    long left = c.awaitNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    if (left > 0 || !lock.isHeldByCurrentThread() || lock.getHoldCount() != 2) {
                        return "awaitNanos: " + left + ", holds " + lock.getHoldCount();
                    }
                    if (c.await(3, TimeUnit.MILLISECONDS) || lock.getHoldCount() != 2) {
                        return "await(time) did not time out, or holds " + lock.getHoldCount();
                    }
                    if (c.awaitUntil(new Date(System.currentTimeMillis() + 3)) || lock.getHoldCount() != 2) {
                        return "awaitUntil did not time out, or holds " + lock.getHoldCount();
                    }
                    if (c.awaitNanos(0) > 0 || c.await(-1, TimeUnit.SECONDS) || c.awaitUntil(new Date(0))) {
                        return "an await with no time left did not time out";
                    }
                    return lock.getHoldCount() == 2 ? "ok" : "holds " + lock.getHoldCount();
                } finally {
                    lock.unlock();
                    lock.unlock();
                }
            }).get(Await.HANG);
            assertEquals("ok", outcome);
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void signalledTimedAwaitsReportTimeLeft() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        AtomicInteger phase = new AtomicInteger();
        long limit = TimeUnit.SECONDS.toNanos(60);
        Fiber<String> f = start(s, () -> {
            lock.lock();
            try {
                phase.set(1);
                long left = c.awaitNanos(limit);
                if (left <= 0 || left > limit) {
                    return "awaitNanos after a signal returned " + left;
                }
                phase.set(2);
                if (!c.await(60, TimeUnit.SECONDS)) {
                    return "await(time) after a signal returned false";
                }
                phase.set(3);
                if (!c.awaitUntil(new Date(System.currentTimeMillis() + 60_000))) {
                    return "awaitUntil after a signal returned false";
                }
                return "ok";
            } finally {
                lock.unlock();
            }
        });
        for (int p = 1; p <= 3; p++) {
            int expected = p;
            Await.until("phase " + p, () -> phase.get() == expected);
            lock.lock(); // the awaiter set the phase under the lock and awaits: it is queued on c now
            try {
                c.signal();
            } finally {
                lock.unlock();
            }
        }
        assertEquals("ok", f.get(Await.HANG));
    }

    @Test
    void interruptedAwaitReacquiresTheLockThenThrows() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        AtomicBoolean waiting = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            lock.lock();
            try {
                waiting.set(true);
                c.await();
                return "returned without the interrupt";
            } catch (InterruptedException e) {
                if (Fiber.interrupted()) {
                    return "the interrupt status was not cleared";
                }
                return lock.isHeldByCurrentThread() && lock.getHoldCount() == 1 ? "ok" : "threw without the lock";
            } finally {
                lock.unlock();
            }
        });
        Await.until("awaiting", waiting::get);
        lock.lock(); // hold the lock, so that the interrupted waiter must wait for it before it throws
        try {
            f.interrupt();
            Await.until("the interrupted waiter queued for the lock", () -> lock.getQueueLength() == 1);
            assertFalse(f.isDone(), "await threw before it had the lock back");
        } finally {
            lock.unlock();
        }
        assertEquals("ok", f.get(Await.HANG));
        assertFalse(lock.isLocked());
    }

    @Test
    void cancelledAwaitReacquiresTheLockThenThrows() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        for (boolean fair : new boolean[] {false, true}) {
            FiberLock lock = new FiberLock(fair);
            Condition c = lock.newCondition();
            AtomicBoolean waiting = new AtomicBoolean();
            AtomicBoolean heldWhenThrown = new AtomicBoolean();
            AtomicBoolean unlockedInFinally = new AtomicBoolean();
            Fiber<Void> f = start(s, () -> {
                lock.lock();
                try {
                    waiting.set(true);
                    c.awaitUninterruptibly();
                } catch (FiberCancelledException e) {
                    heldWhenThrown.set(lock.isHeldByCurrentThread() && lock.getHoldCount() == 1);
                    throw e;
                } finally {
                    lock.unlock(); // would throw IllegalMonitorStateException (masking the cancel) without the lock
                    unlockedInFinally.set(true);
                }
            });
            Await.until("awaiting", waiting::get);
            lock.lock();
            try {
                f.cancel();
                Await.until("the cancelled waiter queued for the lock", () -> lock.getQueueLength() == 1);
                assertFalse(f.isDone(), "await threw before it had the lock back");
            } finally {
                lock.unlock();
            }
            try {
                f.get(Await.HANG);
                fail("the cancelled fiber completed normally");
            } catch (CancellationException expected) {
                // cancelled, and not an IllegalMonitorStateException from its finally
            }
            assertTrue(heldWhenThrown.get(), "the cancel left await without the lock");
            assertTrue(unlockedInFinally.get());
            assertFalse(lock.isLocked());
            assertEquals(0, lock.getQueueLength());
        }
    }

    /**
     * The same inside {@code synchronized}, where the fiber cannot unmount and its parks block its
     * carrier (pinned): the cancelled await still waits for the lock (it does not spin on the
     * cancel or on the carrier interrupt the cancel set) and throws holding it.
     */
    @Test
    void cancelledAwaitInsideSynchronizedReacquiresOnItsPinnedCarrier() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        Object monitor = new Object();
        AtomicBoolean waiting = new AtomicBoolean();
        AtomicBoolean heldWhenThrown = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> {
            synchronized (monitor) {
                lock.lock();
                try {
                    waiting.set(true);
                    c.await();
                } catch (FiberCancelledException e) {
                    heldWhenThrown.set(lock.isHeldByCurrentThread());
                    throw e;
                } finally {
                    lock.unlock();
                }
            }
            return null;
        });
        Await.until("awaiting", waiting::get);
        Await.state(f, Fiber.State.PINNED);
        lock.lock();
        try {
            f.cancel();
            Await.until("the cancelled waiter queued for the lock", () -> lock.getQueueLength() == 1);
            assertFalse(f.isDone());
        } finally {
            lock.unlock();
        }
        assertThrows(CancellationException.class, () -> f.get(Await.HANG));
        assertTrue(heldWhenThrown.get());
        assertFalse(lock.isLocked());
    }

    @Test
    void threadAwaitsAConditionThatAFiberSignals() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        boolean[] ready = {false};
        Fiber<Void> signaller = start(s, () -> {
            lock.lock();
            try {
                ready[0] = true;
                c.signalAll();
            } finally {
                lock.unlock();
            }
        });
        lock.lock();
        try {
            while (!ready[0]) {
                assertTrue(c.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), "the fiber's signal never came");
            }
            assertTrue(lock.isHeldByCurrentThread());
        } finally {
            lock.unlock();
        }
        Await.joined(signaller);
    }

    @Test
    void awaitUninterruptiblyKeepsTheInterruptStatus() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        AtomicBoolean waiting = new AtomicBoolean();
        AtomicBoolean signalled = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            lock.lock();
            try {
                waiting.set(true);
                while (!signalled.get()) {
                    c.awaitUninterruptibly();
                }
                return Fiber.interrupted() ? "ok" : "the interrupt status was lost";
            } finally {
                lock.unlock();
            }
        });
        Await.until("awaiting", waiting::get);
        f.interrupt();
        Await.state(f, Fiber.State.PARKED);
        lock.lock();
        try {
            signalled.set(true);
            c.signal();
        } finally {
            lock.unlock();
        }
        assertEquals("ok", f.get(Await.HANG));
    }

    @Test
    void conditionMethodsWithoutTheLockThrowIllegalMonitorState() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        assertNoOwnerThrows(c);
        assertEquals("ok", start(s, () -> {
            assertNoOwnerThrows(c);
            return "ok";
        }).get(Await.HANG));
        lock.lock(); // held by this thread: a fiber still is not the owner
        try {
            assertEquals("ok", start(s, () -> {
                assertNoOwnerThrows(c);
                return "ok";
            }).get(Await.HANG));
        } finally {
            lock.unlock();
        }
    }

    private static void assertNoOwnerThrows(Condition c) {
        assertThrows(IllegalMonitorStateException.class, c::await);
        assertThrows(IllegalMonitorStateException.class, c::awaitUninterruptibly);
        assertThrows(IllegalMonitorStateException.class, () -> c.awaitNanos(1));
        assertThrows(IllegalMonitorStateException.class, () -> c.await(1, TimeUnit.MILLISECONDS));
        assertThrows(IllegalMonitorStateException.class, () -> c.awaitUntil(new Date()));
        assertThrows(IllegalMonitorStateException.class, c::signal);
        assertThrows(IllegalMonitorStateException.class, c::signalAll);
    }

    /** Many awaiters timing out, interrupted, cancelled and signalled at once: none hangs, none is left behind. */
    @Test
    void awaitersGivingUpWhileSignalledLeaveNothingBehind() throws Exception {
        FiberScheduler s = scheduler("workStealing(4)");
        FiberLock lock = new FiberLock();
        Condition c = lock.newCondition();
        AtomicBoolean stop = new AtomicBoolean();
        List<Fiber<Void>> awaiters = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int kind = i % 3;
            awaiters.add(start(s, () -> {
                for (int r = 0; r < 10 && !stop.get(); r++) {
                    lock.lock();
                    try {
                        if (kind == 0) {
                            c.awaitNanos(TimeUnit.MICROSECONDS.toNanos(100));
                        } else {
                            c.await();
                        }
                        if (!lock.isHeldByCurrentThread()) {
                            throw new AssertionError("await returned without the lock");
                        }
                    } catch (InterruptedException e) {
                        if (!lock.isHeldByCurrentThread()) {
                            throw new AssertionError("await threw without the lock", e);
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        Fiber<Void> signaller = start(s, () -> {
            while (!stop.get()) {
                lock.lock();
                try {
                    c.signal();
                } finally {
                    lock.unlock();
                }
                Fiber.yield();
            }
        });
        for (int i = 1; i < awaiters.size(); i += 5) {
            if (i % 2 == 0) {
                awaiters.get(i).cancel();
            } else {
                awaiters.get(i).interrupt();
            }
        }
        for (int i = 0; i < awaiters.size(); i++) {
            Fiber<Void> f = awaiters.get(i);
            assertTrue(f.join(Await.HANG), "awaiter " + i + " hung: " + lock);
            if (!f.isCancelled()) {
                f.get();
            }
        }
        stop.set(true);
        Await.joined(signaller);
        assertFalse(lock.isLocked());
        assertEquals(0, lock.getQueueLength());
        assertTrue(c.toString().contains("waiting = 0"), c.toString());
    }
}
