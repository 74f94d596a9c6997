package dev.weft.fiber.impl.sync;

import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.spi.SyncProvider;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The count-down latch behind {@link dev.weft.fiber.FiberCountDownLatch}.
 *
 * <h2>Implementation overview</h2>
 * The model is {@link java.util.concurrent.CountDownLatch}: a count decremented by CAS, and
 * waiters released when it reaches zero. The waiters are a {@link WaitList} under a
 * {@link SpinLock} (so that a waiter that times out or is interrupted leaves in O(1) and leaves
 * nothing behind) and park with {@link Strand#park}. The {@code countDown} that reaches zero takes
 * the whole list under the spin lock, marks every waiter {@link Waiter#GRANTED} and unparks them
 * after letting go of it.
 *
 * <p><b>No lost wake-up.</b> A waiter appends itself (volatile write of the list size) and then
 * reads the count, under the spin lock; the last {@code countDown} CASes the count to zero and then
 * reads the list size. Both are volatile accesses, so the waiter sees zero or is seen.
 *
 * <p><b>Memory ordering.</b> The CAS to zero happens-before the waiter's volatile read of zero (or
 * of its GRANTED status, written after it), so everything before every {@code countDown} is visible
 * to a waiter that returns, as {@code CountDownLatch} promises.
 */
final class StrandLatch implements SyncProvider.LatchCore {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(StrandLatch.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long count;
    private final SpinLock guard = new SpinLock();
    private final WaitList queue = new WaitList();

    StrandLatch(long count) {
        this.count = count;
    }

    @Override
    public boolean await(long nanos) throws InterruptedException {
        Object self = Strand.current();
        if (Strand.interrupted(self)) {
            throw new InterruptedException(Strand.describe(self) + " was interrupted before awaiting " + this);
        }
        if (count == 0L) {
            return true;
        }
        if (nanos == 0L) {
            return false;
        }
        long deadline = nanos < 0L ? 0L : Waiter.deadlineAfter(self, nanos);
        Waiter node = new Waiter(self, 0, Waiter.WAITING);
        guard.lock();
        try {
            queue.addLast(node);
            if (count == 0L) { // after the append: the waiter's half of the Dekker pair
                queue.remove(node);
                return true;
            }
        } finally {
            guard.unlock();
        }
        while (node.status != Waiter.GRANTED) {
            long left = 0L;
            if (deadline != 0L) {
                left = deadline - Strand.nanoTime(self);
                if (left <= 0L) {
                    return !leave(node);
                }
            }
            try {
                Strand.park(self, left, this);
            } catch (FiberCancelledException cancelled) {
                leave(node);
                throw cancelled;
            }
            if (Strand.interrupted(self)) {
                if (leave(node)) {
                    throw new InterruptedException(Strand.describe(self) + " was interrupted while awaiting " + this);
                }
                Strand.reinterrupt(self); // the count reached zero as the interrupt came: the await succeeded
                return true;
            }
        }
        return true;
    }

    @Override
    public void countDown() {
        while (true) {
            long c = count;
            if (c == 0L) {
                return;
            }
            if (COUNT.compareAndSet(this, c, c - 1)) {
                if (c == 1L && queue.size() > 0) {
                    releaseAll();
                }
                return;
            }
        }
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public String toString() {
        return "count = " + count + ", waiting = " + queue.size();
    }

    private void releaseAll() {
        Waiter chain;
        guard.lock();
        try {
            chain = queue.removeAll();
            for (Waiter w = chain; w != null; w = w.nextToWake) {
                w.status = Waiter.GRANTED;
            }
        } finally {
            guard.unlock();
        }
        for (Waiter w = chain; w != null; ) {
            Waiter next = w.nextToWake;
            w.nextToWake = null;
            Strand.unpark(w.strand);
            w = next;
        }
    }

    /** A waiter gives up: false if the count reached zero first (it was released). */
    private boolean leave(Waiter node) {
        guard.lock();
        try {
            if (node.status == Waiter.GRANTED) {
                return false;
            }
            queue.remove(node);
            node.status = Waiter.REMOVED;
            return true;
        } finally {
            guard.unlock();
        }
    }
}
