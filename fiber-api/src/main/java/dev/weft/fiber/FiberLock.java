package dev.weft.fiber;

import dev.weft.fiber.spi.SyncProvider;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A reentrant mutual-exclusion lock for fibers, with the contract of
 * {@link java.util.concurrent.locks.ReentrantLock}: a fiber waiting for it (or for one of its
 * {@link Condition}s) suspends and frees its carrier, where a {@code ReentrantLock} would block the
 * carrier thread.
 *
 * <p><b>The owner is the fiber</b>, not the carrier thread: a fiber that holds the lock across a
 * suspension (a {@code Fiber.sleep}, a channel receive, a {@code Condition.await} of another lock)
 * and resumes on another carrier still holds it, and may unlock it there; another fiber on the
 * first carrier does not. Outside a fiber, the owner is the thread. Fibers and threads may share a
 * lock.
 *
 * <pre>{@code
 * FiberLock lock = new FiberLock();
 * lock.lock();
 * try {
 *     ... // may suspend while holding the lock
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <p>A non-fair lock (the default) lets an arriving fiber take a free lock ahead of those waiting;
 * a fair one grants it in arrival order. {@link #unlock()} by a fiber or thread that does not hold
 * the lock throws {@link IllegalMonitorStateException}; so do a {@link Condition}'s methods.
 */
public final class FiberLock implements Lock {
    private final SyncProvider.LockCore core;

    /** Creates a non-fair lock. */
    public FiberLock() {
        this(false);
    }

    /**
     * Creates a lock with the given fairness.
     *
     * @param fair true to grant the lock to waiters in arrival order
     */
    public FiberLock(boolean fair) {
        this.core = SyncProvider.get().newLock(fair);
    }

    /**
     * Acquires the lock, waiting (the fiber suspends) while another fiber or thread holds it;
     * interrupts are ignored while waiting, and the interrupt status is kept.
     *
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     */
    @Override
    public void lock() {
        core.lock();
    }

    /**
     * Acquires the lock unless interrupted.
     *
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        core.lockInterruptibly();
    }

    /**
     * Acquires the lock if it is free or already held by the caller, without waiting; like
     * {@link java.util.concurrent.locks.ReentrantLock#tryLock()}, even a fair lock barges.
     *
     * @return whether the caller now holds the lock
     */
    @Override
    public boolean tryLock() {
        return core.tryLock();
    }

    /**
     * Acquires the lock, waiting at most the given time.
     *
     * @param time the longest time to wait
     * @param unit the unit of {@code time}
     * @return whether the caller now holds the lock (false: the time ran out)
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return core.tryLock(time, unit);
    }

    /**
     * Releases one hold of the lock; the last release frees it and wakes a waiter.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     */
    @Override
    public void unlock() {
        core.unlock();
    }

    /**
     * A new condition of this lock, with the contract of {@code ReentrantLock}'s conditions: a
     * fiber that awaits it releases the lock and suspends; it holds the lock again when await
     * returns (also after an interrupt or time-out).
     *
     * @return the condition
     */
    @Override
    public Condition newCondition() {
        return core.newCondition();
    }

    /**
     * The caller's holds on this lock.
     *
     * @return the number of holds by the calling fiber (or thread), 0 if it does not hold the lock
     */
    public int getHoldCount() {
        return core.holdCount();
    }

    /**
     * Whether the caller holds this lock: the calling fiber, wherever it runs now, or the calling
     * thread outside a fiber.
     *
     * @return true if the caller holds the lock
     */
    public boolean isHeldByCurrentThread() {
        return core.isHeldByCurrent();
    }

    /**
     * Whether any fiber or thread holds the lock.
     *
     * @return true if the lock is held
     */
    public boolean isLocked() {
        return core.isLocked();
    }

    /**
     * Whether the lock is fair.
     *
     * @return true if it was made fair
     */
    public boolean isFair() {
        return core.isFair();
    }

    /**
     * Whether fibers or threads are waiting to acquire the lock (an estimate).
     *
     * @return true if some may be waiting
     */
    public boolean hasQueuedThreads() {
        return core.queueLength() > 0;
    }

    /**
     * An estimate of how many fibers and threads are waiting to acquire the lock.
     *
     * @return the estimate
     */
    public int getQueueLength() {
        return core.queueLength();
    }

    @Override
    public String toString() {
        return "FiberLock[" + core + "]";
    }
}
