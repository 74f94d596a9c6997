package dev.weft.fiber.spi;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;

/**
 * The implementation of Weft's fiber-aware synchronizers ({@link dev.weft.fiber.FiberLock},
 * {@link dev.weft.fiber.FiberSemaphore}, {@link dev.weft.fiber.FiberCountDownLatch},
 * {@link dev.weft.fiber.Fiber#await(Future)}), found through {@link java.util.ServiceLoader}. The
 * public classes check their arguments and delegate here. Not for application code.
 */
public interface SyncProvider {

    /** Backs {@link dev.weft.fiber.FiberLock}: a reentrant lock owned by a fiber (or a thread outside fibers). */
    interface LockCore extends Lock {
        /**
         * Returns holds by the caller, 0 if it does not hold the lock.
         *
         * @return holds by the caller, 0 if it does not hold the lock
         */
        int holdCount();

        /**
         * Returns whether the calling fiber (or thread, outside a fiber) holds the lock.
         *
         * @return whether the calling fiber (or thread, outside a fiber) holds the lock
         */
        boolean isHeldByCurrent();

        /**
         * Returns whether anyone holds the lock.
         *
         * @return whether anyone holds the lock
         */
        boolean isLocked();

        /**
         * Returns whether the lock is fair.
         *
         * @return whether the lock is fair
         */
        boolean isFair();

        /**
         * Returns an estimate of the number of fibers and threads waiting to acquire it.
         *
         * @return an estimate of the number of fibers and threads waiting to acquire it
         */
        int queueLength();
    }

    /** Backs {@link dev.weft.fiber.FiberSemaphore}; arguments are checked by the caller. */
    interface SemaphoreCore {
        /**
         * Acquires permits, waiting as allowed.
         *
         * @param permits how many, at least 0 (0 succeeds once the count is not negative)
         * @param nanos the longest wait; negative: no limit
         * @param interruptible whether an interrupt ends the wait
         * @return whether the permits were acquired (false only when the time ran out)
         * @throws InterruptedException if interruptible and the caller is interrupted
         */
        boolean acquire(int permits, long nanos, boolean interruptible) throws InterruptedException;

        /**
         * Takes permits if available now.
         *
         * @param permits how many, at least 0
         * @param barging whether to take them even if others wait (a {@code tryAcquire()} without time-out)
         * @return whether they were taken, without waiting
         */
        boolean tryAcquire(int permits, boolean barging);

        /**
         * Adds or removes permits.
         *
         * @param permits how many to add, at least 1
         */
        void release(int permits);

        /**
         * Returns the permits available now.
         *
         * @return the permits available now
         */
        int availablePermits();

        /**
         * Returns the permits taken: all that were available.
         *
         * @return the permits taken (all that were available), or the negative count that was reset to 0
         */
        int drainPermits();

        /**
         * Adds or removes permits.
         *
         * @param reduction how many to remove, at least 0
         */
        void reducePermits(int reduction);

        /**
         * Returns whether the semaphore is fair.
         *
         * @return whether the semaphore is fair
         */
        boolean isFair();

        /**
         * Returns an estimate of the number of fibers and threads waiting.
         *
         * @return an estimate of the number of fibers and threads waiting
         */
        int queueLength();
    }

    /** Backs {@link dev.weft.fiber.FiberCountDownLatch}. */
    interface LatchCore {
        /**
         * Waits for the count to reach zero.
         *
         * @param nanos the longest wait; negative: no limit
         * @return whether the count reached zero (false only when the time ran out)
         * @throws InterruptedException if the caller is interrupted while waiting
         */
        boolean await(long nanos) throws InterruptedException;

        /** Counts down by one, releasing every waiter at zero. */
        void countDown();

        /**
         * Returns the current count.
         *
         * @return the current count
         */
        long count();
    }

    /**
     * A new lock.
     *
     * @param fair whether waiters get the lock in arrival order
     * @return the lock
     */
    LockCore newLock(boolean fair);

    /**
     * A new semaphore.
     *
     * @param permits the initial permits (may be negative)
     * @param fair whether waiters are served in arrival order
     * @return the semaphore
     */
    SemaphoreCore newSemaphore(int permits, boolean fair);

    /**
     * A new latch.
     *
     * @param count the initial count, at least 0
     * @return the latch
     */
    LatchCore newLatch(long count);

    /**
     * Backs {@link dev.weft.fiber.Fiber#await(Future)} and its timed form: waits for {@code future}
     * without blocking a fiber's carrier.
     *
     * @param <T> the result type
     * @param future the future, not null
     * @param nanos the longest wait; negative: no limit
     * @return the future's result
     * @throws ExecutionException if the future completed exceptionally
     * @throws java.util.concurrent.CancellationException if the future was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws TimeoutException if the time ran out
     */
    <T> T await(Future<T> future, long nanos) throws ExecutionException, InterruptedException, TimeoutException;

    /**
     * The implementation on the class path.
     *
     * @return the provider, loaded once
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static SyncProvider get() {
        return ProviderLoader.SYNC.provider();
    }
}
