package dev.weft.fiber.impl.sync;

import dev.weft.fiber.impl.core.Strand;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * {@code Fiber.await(Future)}: waits for a future without blocking a fiber's carrier.
 *
 * <h2>Implementation overview</h2>
 * A future that is also a {@link CompletionStage} (a {@code CompletableFuture}) gets a completion
 * callback ({@code whenComplete}) that unparks the waiting strand; the waiter parks in a loop on
 * {@link Future#isDone()} (parks may return spuriously, and the callback may run before the first
 * park, leaving a permit). Any other future (or a stage that refuses callbacks with
 * {@code UnsupportedOperationException}) has no completion hook, so the waiter sleeps and
 * re-checks, the interval doubling from {@link #FIRST_POLL_NANOS} to {@link #MAX_POLL_NANOS}: a
 * latency of at most about a millisecond after a long wait, and few wake-ups while waiting. Once
 * done, the result is reported by the future's own {@link Future#get()} (which does not wait for a
 * done future), so the rules are exactly {@code Future.get}'s: the value,
 * {@code ExecutionException} with the cause, or {@code CancellationException}.
 *
 * <p><b>Memory ordering.</b> {@code isDone()} true happens-after the completion (each future
 * publishes its result with a volatile write or stronger), and the callback's unpark happens-after
 * it; the waiter trusts only {@code isDone()}, never the wake-up.
 *
 * <p><b>What a timed-out waiter leaves.</b> A {@code CompletionStage} offers no way to remove a
 * callback, so a waiter that times out or is interrupted leaves its small {@link Wakeup} on the
 * future until the future completes; the wake-up lets go of the strand first, so a fiber that gave
 * up is not kept reachable by the future.
 */
final class FutureAwait {
    /** First poll interval for a future without completion hook: 10 microseconds. */
    static final long FIRST_POLL_NANOS = 10_000L;
    /** Longest poll interval: 1 millisecond. */
    static final long MAX_POLL_NANOS = 1_000_000L;

    private FutureAwait() {
    }

    static <T> T await(Future<T> future, long nanos) throws ExecutionException, InterruptedException, TimeoutException {
        if (!future.isDone()) {
            Object self = Strand.current();
            if (Strand.interrupted(self)) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted before awaiting " + future);
            }
            if (nanos == 0L) {
                throw new TimeoutException("the future was not done: " + future);
            }
            long deadline = nanos < 0L ? 0L : StrandSemaphore.deadlineAfter(nanos);
            if (!(future instanceof CompletionStage<?> stage) || !awaitCompletion(self, future, stage, deadline)) {
                awaitPolling(self, future, deadline);
            }
        }
        return future.get();
    }

    /** @return false if the stage refused the callback (an {@code UnsupportedOperationException}): poll instead */
    private static boolean awaitCompletion(Object self, Future<?> future, CompletionStage<?> stage, long deadline)
            throws InterruptedException, TimeoutException {
        Wakeup wakeup = new Wakeup(self);
        try {
            stage.whenComplete(wakeup);
        } catch (UnsupportedOperationException noCallbacks) {
            return false; // a read-only stage view: fall back to polling
        }
        try {
            while (!future.isDone()) {
                long left = 0L;
                if (deadline != 0L) {
                    left = deadline - System.nanoTime();
                    if (left <= 0L) {
                        throw new TimeoutException("the future was not done in time: " + future);
                    }
                }
                Strand.park(self, left, future);
                if (Strand.interrupted(self)) {
                    throw new InterruptedException(Strand.describe(self) + " was interrupted while awaiting " + future);
                }
            }
        } finally {
            wakeup.strand = null; // the future may outlive this wait: let go of the strand
        }
        return true;
    }

    private static void awaitPolling(Object self, Future<?> future, long deadline) throws InterruptedException, TimeoutException {
        long interval = FIRST_POLL_NANOS;
        while (!future.isDone()) {
            long sleep = interval;
            if (deadline != 0L) {
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    throw new TimeoutException("the future was not done in time: " + future);
                }
                sleep = Math.min(sleep, left);
            }
            Strand.park(self, sleep, future); // an unpark or spurious return only makes this poll early
            if (Strand.interrupted(self)) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted while awaiting " + future);
            }
            interval = Math.min(interval * 2, MAX_POLL_NANOS);
        }
    }

    /** The completion callback: unparks the waiter, if it still waits. */
    private static final class Wakeup implements BiConsumer<Object, Throwable> {
        /** Cleared by the waiter when it stops waiting; read by the completing thread. */
        volatile Object strand;

        Wakeup(Object strand) {
            this.strand = strand;
        }

        @Override
        public void accept(Object result, Throwable failure) {
            Object s = strand;
            if (s != null) {
                Strand.unpark(s);
            }
        }
    }
}
