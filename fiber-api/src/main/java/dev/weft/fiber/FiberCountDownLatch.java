package dev.weft.fiber;

import dev.weft.fiber.spi.SyncProvider;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A count-down latch for fibers, with the contract of {@link java.util.concurrent.CountDownLatch}:
 * {@link #await()} waits until the count reaches zero, suspending a fiber rather than blocking its
 * carrier. The count cannot be reset. Fibers and threads may share a latch.
 */
public final class FiberCountDownLatch {
    private final SyncProvider.LatchCore core;

    /**
     * Creates a latch.
     *
     * @param count how many {@link #countDown()} calls release the waiters, at least 0
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public FiberCountDownLatch(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("the count must not be negative: " + count);
        }
        this.core = SyncProvider.get().newLatch(count);
    }

    /**
     * Waits until the count reaches zero; returns at once if it is zero.
     *
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     */
    public void await() throws InterruptedException {
        core.await(-1L);
    }

    /**
     * Waits until the count reaches zero, at most the given time.
     *
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return true if the count reached zero, false if the time ran out first
     * @throws InterruptedException if the caller is interrupted before or while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return core.await(Math.max(0L, unit.toNanos(timeout)));
    }

    /** Decrements the count; at zero, releases every waiter. Does nothing once the count is zero. */
    public void countDown() {
        core.countDown();
    }

    /**
     * The current count.
     *
     * @return the count
     */
    public long getCount() {
        return core.count();
    }

    @Override
    public String toString() {
        return "FiberCountDownLatch[" + core + "]"; // the implementation's count and waiters
    }
}
