package dev.weft.fiber.impl.sync;

import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.spi.SyncProvider;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counting semaphore behind {@link dev.weft.fiber.FiberSemaphore}.
 *
 * <h2>Implementation overview</h2>
 * The model is {@link java.util.concurrent.Semaphore}: a permit count updated by CAS (it may be
 * negative), with a FIFO of waiters for the contended case. Differences: waiters park with
 * {@link Strand#park} (a fiber suspends); and permits are <b>granted</b> to waiters by whoever
 * makes them available, instead of waking waiters that then compete for them as in AQS's shared
 * mode: a release CASes its permits in and then, under the {@link SpinLock}, takes from the count
 * what the first waiters ask for, in order, until the first one it cannot satisfy (a waiter asking
 * for many permits holds back those behind it, in both modes, as in the JDK), removes them from
 * the list and unparks them after letting go of the spin lock. A granted waiter returns at once
 * when it runs; it never loses what it was given to a barger.
 *
 * <p><b>Fairness.</b> Non-fair: an arriving {@code acquire} takes available permits whatever the
 * list holds. Fair: only when nobody waits. {@code tryAcquire()} without time-out barges in both.
 *
 * <p><b>No lost wake-up.</b> A waiter appends itself (volatile write of the list size) and then,
 * still under the spin lock, runs the grant loop (volatile reads of the count); a releaser CASes
 * the count and then reads the list size. At least one side sees the other, so permits released
 * while a waiter enqueues reach it. A waiter that gives up (time-out, interrupt, cancel) leaves
 * under the spin lock unless it was granted first, and then re-runs the grant loop: its leaving may
 * unblock smaller requests behind it.
 *
 * <p><b>Granted and giving up at once.</b> Decided under the spin lock. Time-out or interrupt
 * after the grant: the acquisition won (an interrupt's status is set again). Cancel after the
 * grant: the permits are released again before {@code FiberCancelledException} leaves, so none are
 * lost.
 *
 * <p><b>Memory ordering.</b> The count is read and CASed as a volatile; a release's CAS pairs with
 * the acquiring CAS that takes those permits (barging) or with the grant loop's CAS (under the spin
 * lock), which the granted waiter sees through its volatile {@link Waiter#status}.
 */
final class StrandSemaphore implements SyncProvider.SemaphoreCore {
    private static final VarHandle PERMITS;

    static {
        try {
            PERMITS = MethodHandles.lookup().findVarHandle(StrandSemaphore.class, "permits", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final boolean fair;
    private volatile int permits;
    private final SpinLock guard = new SpinLock();
    private final WaitList queue = new WaitList();

    StrandSemaphore(int permits, boolean fair) {
        this.permits = permits;
        this.fair = fair;
    }

    @Override
    public boolean acquire(int n, long nanos, boolean interruptible) throws InterruptedException {
        Object self = Strand.current();
        if (interruptible && Strand.interrupted(self)) {
            throw new InterruptedException(Strand.describe(self) + " was interrupted before acquiring from " + this);
        }
        if ((!fair || queue.size() == 0) && take(n)) {
            return true;
        }
        if (nanos == 0L) {
            return false;
        }
        long deadline = nanos < 0L ? 0L : Waiter.deadlineAfter(self, nanos);
        Waiter node = new Waiter(self, n, Waiter.WAITING);
        Waiter granted;
        guard.lock();
        try {
            queue.addLast(node);
            granted = grantLocked();
        } finally {
            guard.unlock();
        }
        wake(granted, self);

        boolean interrupted = false;
        while (node.status != Waiter.GRANTED) {
            long left = 0L;
            if (deadline != 0L) {
                left = deadline - Strand.nanoTime(self);
                if (left <= 0L) {
                    if (leave(node)) {
                        Waiter.restoreIf(self, interrupted);
                        return false;
                    }
                    break; // granted as the time ran out
                }
            }
            try {
                Strand.park(self, left, this);
            } catch (FiberCancelledException cancelled) {
                if (!leave(node)) {
                    release(n); // granted meanwhile: give them back, nothing is lost
                }
                Waiter.restoreIf(self, interrupted);
                throw cancelled;
            }
            if (Strand.interrupted(self)) {
                if (interruptible && leave(node)) {
                    throw new InterruptedException(Strand.describe(self) + " was interrupted while waiting for "
                            + n + " permit(s) of " + this);
                }
                interrupted = true; // ignored (uninterruptible), or granted as it came: the status is kept
            }
        }
        Waiter.restoreIf(self, interrupted);
        return true;
    }

    @Override
    public boolean tryAcquire(int n, boolean barging) {
        if (!barging && fair && queue.size() > 0) {
            return false;
        }
        return take(n);
    }

    @Override
    public void release(int n) {
        while (true) {
            int p = permits;
            int next = p + n;
            if (next < p) {
                throw new Error("Maximum permit count exceeded"); // Semaphore's own error
            }
            if (PERMITS.compareAndSet(this, p, next)) {
                break;
            }
        }
        if (queue.size() > 0) { // after the CAS: the releaser's half of the Dekker pair
            grantAndWake();
        }
    }

    @Override
    public int availablePermits() {
        return permits;
    }

    @Override
    public int drainPermits() {
        while (true) {
            int p = permits;
            if (p == 0) {
                return 0;
            }
            if (PERMITS.compareAndSet(this, p, 0)) {
                return p; // as Semaphore.drainPermits: a negative count is reset to 0 and returned
            }
        }
    }

    @Override
    public void reducePermits(int reduction) {
        while (true) {
            int p = permits;
            int next = p - reduction;
            if (next > p) {
                throw new Error("Permit count underflow"); // Semaphore's own error
            }
            if (PERMITS.compareAndSet(this, p, next)) {
                return;
            }
        }
    }

    @Override
    public boolean isFair() {
        return fair;
    }

    @Override
    public int queueLength() {
        return queue.size();
    }

    @Override
    public String toString() {
        return "permits = " + permits + ", waiting = " + queue.size() + (fair ? ", fair" : ", non-fair");
    }

    /** Takes {@code n} permits if there are that many now. */
    private boolean take(int n) {
        while (true) {
            int p = permits;
            if (p < n) {
                return false;
            }
            if (PERMITS.compareAndSet(this, p, p - n)) {
                return true;
            }
        }
    }

    /**
     * Grants permits to the first waiters, in order, while the count covers the first one's
     * request; returns them as a wake chain. Caller holds the guard.
     */
    private Waiter grantLocked() {
        Waiter chain = null;
        Waiter last = null;
        for (Waiter h; (h = queue.first()) != null; ) {
            int p = permits;
            if (p < h.permits) {
                break;
            }
            if (!PERMITS.compareAndSet(this, p, p - h.permits)) {
                continue; // a barger or a releaser changed the count: look again
            }
            queue.remove(h);
            h.status = Waiter.GRANTED;
            h.nextToWake = null;
            if (last == null) {
                chain = h;
            } else {
                last.nextToWake = h;
            }
            last = h;
        }
        return chain;
    }

    private void grantAndWake() {
        Waiter granted;
        guard.lock();
        try {
            granted = grantLocked();
        } finally {
            guard.unlock();
        }
        wake(granted, null);
    }

    /** Unparks a wake chain, outside the guard; skips {@code self}, which is running. */
    private static void wake(Waiter chain, Object self) {
        for (Waiter w = chain; w != null; ) {
            Waiter next = w.nextToWake;
            w.nextToWake = null;
            if (w.strand != self) {
                Strand.unpark(w.strand);
            }
            w = next;
        }
    }

    /** A waiter gives up: false if it was granted first; else it leaves and the waiters behind it get a chance. */
    private boolean leave(Waiter node) {
        Waiter granted;
        guard.lock();
        try {
            if (node.status == Waiter.GRANTED) {
                return false;
            }
            queue.remove(node);
            node.status = Waiter.REMOVED;
            granted = grantLocked();
        } finally {
            guard.unlock();
        }
        wake(granted, null);
        return true;
    }


}
