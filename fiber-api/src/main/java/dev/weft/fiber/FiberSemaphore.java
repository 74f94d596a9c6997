package dev.weft.fiber;

import dev.weft.fiber.spi.SyncProvider;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore for fibers, with the contract of {@link java.util.concurrent.Semaphore}: a
 * fiber waiting for permits suspends and frees its carrier. Permits are not owned: any fiber or
 * thread may release them. Fibers and threads may share a semaphore.
 *
 * <p>A non-fair semaphore (the default) lets an arriving acquirer take available permits ahead of
 * those waiting; a fair one serves waiters in arrival order, and a waiter asking for several
 * permits holds back those behind it until it is served. {@link #tryAcquire()} barges in both.
 */
public final class FiberSemaphore {
    private final SyncProvider.SemaphoreCore core;

    /**
     * Creates a non-fair semaphore.
     *
     * @param permits the initial number of permits; may be negative (releases must then come first)
     */
    public FiberSemaphore(int permits) {
        this(permits, false);
    }

    /**
     * Creates a semaphore with the given fairness.
     *
     * @param permits the initial number of permits; may be negative
     * @param fair true to serve waiters in arrival order
     */
    public FiberSemaphore(int permits, boolean fair) {
        this.core = SyncProvider.get().newSemaphore(permits, fair);
    }

    /**
     * Acquires one permit, waiting until one is available.
     *
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     */
    public void acquire() throws InterruptedException {
        core.acquire(1, -1L, true);
    }

    /**
     * Acquires {@code permits} permits, waiting until they are all available.
     *
     * @param permits how many, at least 0
     * @throws InterruptedException if the caller is interrupted before or while waiting (none taken)
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public void acquire(int permits) throws InterruptedException {
        core.acquire(checked(permits), -1L, true);
    }

    /**
     * Acquires one permit, waiting until one is available; interrupts are ignored while waiting
     * and the interrupt status is kept.
     *
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     */
    public void acquireUninterruptibly() {
        acquireUninterruptibly(1);
    }

    /**
     * Acquires {@code permits} permits, ignoring interrupts while waiting.
     *
     * @param permits how many, at least 0
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public void acquireUninterruptibly(int permits) {
        if (checked(permits) >= 0) {
            try {
                core.acquire(permits, -1L, false);
            } catch (InterruptedException impossible) {
                throw new AssertionError("an uninterruptible acquire threw " + impossible, impossible);
            }
        }
    }

    /**
     * Acquires one permit if one is available now, even ahead of waiters.
     *
     * @return whether a permit was taken
     */
    public boolean tryAcquire() {
        return core.tryAcquire(1, true);
    }

    /**
     * Acquires {@code permits} permits if they are all available now, even ahead of waiters.
     *
     * @param permits how many, at least 0
     * @return whether they were taken
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public boolean tryAcquire(int permits) {
        return core.tryAcquire(checked(permits), true);
    }

    /**
     * Acquires one permit, waiting at most the given time.
     *
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return whether a permit was taken (false: the time ran out)
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquire(1, timeout, unit);
    }

    /**
     * Acquires {@code permits} permits, waiting at most the given time.
     *
     * @param permits how many, at least 0
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return whether they were taken (false: the time ran out, none taken)
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return core.acquire(checked(permits), Math.max(0L, unit.toNanos(timeout)), true);
    }

    /** Releases one permit, waking a waiter it satisfies. */
    public void release() {
        core.release(1);
    }

    /**
     * Releases {@code permits} permits.
     *
     * @param permits how many, at least 0
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public void release(int permits) {
        if (checked(permits) > 0) {
            core.release(permits);
        }
    }

    /**
     * The permits available now.
     *
     * @return the number (negative after a negative start or {@link #reducePermits(int)})
     */
    public int availablePermits() {
        return core.availablePermits();
    }

    /**
     * Takes every permit available now, or, if the count is negative, resets it to 0 (as
     * {@link java.util.concurrent.Semaphore#drainPermits()} does).
     *
     * @return how many were taken, or, if the count was negative, that negative count
     */
    public int drainPermits() {
        return core.drainPermits();
    }

    /**
     * Removes {@code reduction} permits without waiting; the count may become negative.
     *
     * @param reduction how many, at least 0
     * @throws IllegalArgumentException if {@code reduction} is negative
     */
    public void reducePermits(int reduction) {
        core.reducePermits(checked(reduction));
    }

    /**
     * Whether the semaphore is fair.
     *
     * @return true if it was made fair
     */
    public boolean isFair() {
        return core.isFair();
    }

    /**
     * Whether fibers or threads are waiting for permits (an estimate).
     *
     * @return true if some may be waiting
     */
    public boolean hasQueuedThreads() {
        return core.queueLength() > 0;
    }

    /**
     * An estimate of how many fibers and threads are waiting for permits.
     *
     * @return the estimate
     */
    public int getQueueLength() {
        return core.queueLength();
    }

    @Override
    public String toString() {
        return "FiberSemaphore[permits = " + core.availablePermits() + ", waiting = " + core.queueLength() + "]";
    }

    private static int checked(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("the number of permits must not be negative: " + permits);
        }
        return permits;
    }
}
