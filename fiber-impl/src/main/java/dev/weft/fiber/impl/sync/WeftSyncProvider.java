package dev.weft.fiber.impl.sync;

import dev.weft.fiber.spi.SyncProvider;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Weft's {@link SyncProvider}, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.weft.fiber.spi.SyncProvider}. Every synchronizer waits with
 * {@link dev.weft.fiber.impl.core.Strand}, so a fiber suspends and a thread blocks.
 */
public final class WeftSyncProvider implements SyncProvider {
    /** Called by {@code ServiceLoader}. */
    public WeftSyncProvider() {
    }

    @Override
    public LockCore newLock(boolean fair) {
        return new StrandLock(fair);
    }

    @Override
    public SemaphoreCore newSemaphore(int permits, boolean fair) {
        return new StrandSemaphore(permits, fair);
    }

    @Override
    public LatchCore newLatch(long count) {
        return new StrandLatch(count);
    }

    @Override
    public <T> T await(Future<T> future, long nanos) throws ExecutionException, InterruptedException, TimeoutException {
        return FutureAwait.await(future, nanos);
    }
}
