package dev.weft.fiber.impl.sync;

import dev.weft.fiber.FiberLocal;
import dev.weft.fiber.impl.core.Strand;

import java.lang.ref.WeakReference;
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
 * callback, so a registered {@link Wakeup} stays on the future until the future completes. Were
 * there one per await, a loop of timed awaits on one long-lived future (every worker checking a
 * shutdown signal with a time-out, say) would pile up one callback per call, without bound. So a
 * wake-up is shared: it keeps a {@link WaitList} of the strands waiting through it (each leaves
 * it when its wait ends, so a fiber that gave up is not kept reachable by the future), and each
 * fiber (or thread) remembers the last one it registered ({@link #LAST}); its next await of the
 * same future joins that one instead of registering another. A never-completing future then holds
 * one wake-up per fiber or thread that awaited it (more only when its awaits alternate between
 * futures), not one per await.
 *
 * <p><b>No lost wake-up with a shared wake-up.</b> A waiter joins the list under the wake-up's
 * {@link SpinLock} and then reads {@code isDone()}; the callback runs after the completion and
 * takes the list under the same lock. If the callback took it first, its unlock happens-before
 * the waiter's lock, so the waiter sees the future done and does not park; otherwise the callback
 * finds the waiter and unparks it.
 */
final class FutureAwait {
    /** First poll interval for a future without completion hook: 10 microseconds. */
    static final long FIRST_POLL_NANOS = 10_000L;
    /** Longest poll interval: 1 millisecond. */
    static final long MAX_POLL_NANOS = 1_000_000L;

    /**
     * The wake-up this fiber (or thread, outside fibers) registered last; see "What a timed-out
     * waiter leaves". A {@link FiberLocal}, not a {@code ThreadLocal}: a carrier's
     * {@code ThreadLocal} map is not for fibers, whose code the JIT may compile with a
     * {@code Thread.currentThread()} read before an earlier suspension in the same frame, that
     * is, another carrier's map, written from this one (docs/internals.md).
     */
    private static final FiberLocal<Wakeup> LAST = new FiberLocal<>();

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
            long deadline = nanos < 0L ? 0L : Waiter.deadlineAfter(self, nanos);
            if (!(future instanceof CompletionStage<?> stage) || !awaitCompletion(self, future, stage, deadline)) {
                awaitPolling(self, future, deadline);
            }
        }
        return future.get();
    }

    /** @return false if the stage refused the callback (an {@code UnsupportedOperationException}): poll instead */
    private static boolean awaitCompletion(Object self, Future<?> future, CompletionStage<?> stage, long deadline)
            throws InterruptedException, TimeoutException {
        Wakeup wakeup = LAST.get();
        if (wakeup == null || wakeup.future.get() != future) {
            wakeup = new Wakeup(future);
            try {
                stage.whenComplete(wakeup);
            } catch (UnsupportedOperationException noCallbacks) {
                return false; // a read-only stage view: fall back to polling
            }
            LAST.set(wakeup);
        }
        Waiter node = new Waiter(self, 0, Waiter.WAITING);
        wakeup.join(node);
        try {
            while (!future.isDone()) {
                long left = 0L;
                if (deadline != 0L) {
                    left = deadline - Strand.nanoTime(self);
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
            wakeup.leave(node); // the future may outlive this wait: let go of the strand
        }
        return true;
    }

    private static void awaitPolling(Object self, Future<?> future, long deadline) throws InterruptedException, TimeoutException {
        long interval = FIRST_POLL_NANOS;
        while (!future.isDone()) {
            long sleep = interval;
            if (deadline != 0L) {
                long left = deadline - Strand.nanoTime(self);
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

    /** The completion callback, shared by the waiters of one future on one carrier: unparks those still waiting. */
    private static final class Wakeup implements BiConsumer<Object, Throwable> {
        /**
         * The future this is registered on, to find it again; weak, so that {@link #LAST} does not
         * keep a future (and its result) reachable after everyone is done with it.
         */
        final WeakReference<Future<?>> future;
        private final SpinLock guard = new SpinLock();
        /** Strands waiting through this wake-up; guarded by {@link #guard}. */
        private final WaitList waiters = new WaitList();

        Wakeup(Future<?> future) {
            this.future = new WeakReference<>(future);
        }

        void join(Waiter node) {
            guard.lock();
            try {
                waiters.addLast(node);
            } finally {
                guard.unlock();
            }
        }

        /** The waiter's wait has ended: it leaves the list unless the callback took it off already. */
        void leave(Waiter node) {
            guard.lock();
            try {
                if (node.status != Waiter.GRANTED) {
                    waiters.remove(node);
                    node.status = Waiter.REMOVED;
                }
            } finally {
                guard.unlock();
            }
        }

        @Override
        public void accept(Object result, Throwable failure) {
            Waiter chain;
            guard.lock();
            try {
                chain = waiters.removeAll();
                for (Waiter w = chain; w != null; w = w.nextToWake) {
                    w.status = Waiter.GRANTED; // off the list: leave() must not unlink it again
                }
            } finally {
                guard.unlock();
            }
            for (Waiter w = chain; w != null; ) { // nobody unparks under the spin lock
                Waiter next = w.nextToWake;
                w.nextToWake = null;
                Strand.unpark(w.strand);
                w = next;
            }
        }
    }
}
