package dev.weft.fiber;

import dev.weft.fiber.spi.FiberProvider;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A fiber: a task with its own heap-allocated stack, run by a {@link FiberScheduler} on a small
 * set of carrier threads. A fiber that waits ({@link #park()}, {@link #sleep(Duration)},
 * {@link #join()}, {@link #yield()}) suspends itself and frees its carrier for other fibers.
 *
 * <pre>{@code
 * Fiber<Integer> f = Fiber.start(() -> compute());
 * int result = f.get();                       // waits, then returns the result or throws
 * Fiber<?> g = Fiber.builder().name("worker").scheduler(Schedulers.fifo(2)).start(task);
 * }</pre>
 *
 * <h2>What code in a fiber must not do across a suspension point</h2>
 * A fiber may resume on a different carrier thread from the one it suspended on. The JIT may
 * treat {@link Thread#currentThread()} as constant inside a compiled method, so after a
 * suspension the same frame can still see the <em>previous</em> carrier. Therefore, between a
 * call to a fiber operation that may suspend and the end of the method, user code must not rely
 * on the identity of {@code Thread.currentThread()} or on anything keyed by it: carrier
 * {@code ThreadLocal}s, the owner of a {@code ReentrantLock} or another owner-tracking lock, thread
 * ids. Code that cannot avoid it should run with {@link Builder#carrierAffinity(boolean)
 * carrier affinity}, or on a JDK virtual thread. {@link #current()} is always correct.
 *
 * <p>Blocking calls that Weft does not own ({@code Thread.sleep}, {@code java.util.concurrent}
 * locks, blocking I/O, entering a monitor held by a suspended fiber) block the carrier thread
 * rather than the fiber; Weft's schedulers notice a carrier blocked that way and add a
 * compensating carrier, so such code is slow but does not deadlock the scheduler.
 *
 * <h2>Cancellation and interruption</h2>
 * {@link #interrupt()} sets the fiber's interrupt status and wakes it if parked, like
 * {@link Thread#interrupt()}: {@link #sleep(Duration)} and {@link #join()} then throw
 * {@link InterruptedException}. {@link #cancel()} is stronger: every suspension point of a
 * cancelled fiber throws {@link FiberCancelledException}, so the fiber unwinds and runs its
 * {@code finally} blocks; its {@link #get()} throws {@link CancellationException}.
 *
 * <h2>Suspending inside {@code synchronized}</h2>
 * A fiber that yields, parks, sleeps or joins while it holds a monitor (inside a
 * {@code synchronized} block or method) does not unmount, so the monitor keeps both of its
 * promises (mutual exclusion, and release by the holder). A park, sleep or join there blocks the
 * carrier thread instead of suspending the fiber: it counts as pinned
 * ({@link SchedulerStats#pinnedParks()}), is logged once per call site, and the scheduler adds a
 * compensating carrier. A {@link #yield()} there carries on at once without giving up the
 * carrier. See {@code docs/guide.md}, "synchronized in fibers".
 *
 * <h2>Errors common to every operation</h2>
 * The first operation that needs the implementation throws {@link IllegalStateException} when
 * {@code dev.weft:fiber-impl} is not on the class path (the message names it), or when the JVM
 * was started without {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} (the message
 * shows that exact line).
 *
 * @param <V> the type of the fiber's result ({@link Void} for a {@link Runnable})
 */
public interface Fiber<V> {

    /**
     * The life cycle of a fiber, as observed from outside. Snapshots only: the state may change
     * as soon as it is returned.
     */
    enum State {
        /** Created by {@link Builder#unstarted(Callable)} and not yet {@linkplain #start() started}. */
        NEW,
        /** Waiting in its scheduler's queue to be run (also after a {@link #yield()}). */
        RUNNABLE,
        /** Mounted on a carrier thread and running. */
        RUNNING,
        /** Suspended in park, sleep, join or another waiting operation. */
        PARKED,
        /** Parked but unable to unmount (a native frame or critical section on its stack): its carrier is blocked. */
        PINNED,
        /** Finished: returned a result, threw, or was cancelled. */
        TERMINATED
    }

    /**
     * Handler for an exception that ends a fiber. Called on the fiber's carrier before the fiber
     * counts as terminated and before joiners wake; it must not wait for that fiber (no
     * {@code join} or {@code get} on it). Not called for cancellation.
     */
    @FunctionalInterface
    interface UncaughtExceptionHandler {
        /**
         * Handles the exception that ended {@code fiber}, on the fiber's carrier.
         *
         * @param fiber the fiber that ended
         * @param error what its task threw
         */
        void uncaughtException(Fiber<?> fiber, Throwable error);
    }

    // ----------------------------------------------------------------------------------------
    // Creating fibers

    /**
     * Starts a fiber that runs {@code task} on the {@linkplain Schedulers#defaultScheduler() default scheduler}.
     * Does not wait for it.
     *
     * @param <V> the type of the task's result
     * @param task the code the fiber runs; its result is what {@link #get()} returns
     * @return the started fiber
     * @throws NullPointerException if {@code task} is null
     */
    static <V> Fiber<V> start(Callable<V> task) {
        return builder().start(task);
    }

    /**
     * Starts a fiber that runs {@code task} on the {@linkplain Schedulers#defaultScheduler() default scheduler}.
     * Does not wait for it.
     *
     * @param task the code the fiber runs
     * @return the started fiber, whose {@link #get()} returns {@code null}
     * @throws NullPointerException if {@code task} is null
     */
    static Fiber<Void> start(Runnable task) {
        return builder().start(task);
    }

    /**
     * A builder for a fiber with a name, scheduler, uncaught-exception handler or carrier affinity.
     *
     * @return a new builder with the defaults (generated name, default scheduler, no handler,
     *         no affinity)
     */
    static Builder builder() {
        return new Builder();
    }

    // ----------------------------------------------------------------------------------------
    // Operations on the current fiber

    /**
     * The fiber that is running the caller. Always correct, also after the fiber resumed on
     * another carrier.
     *
     * @return the current fiber, or {@code null} when the caller is not in a fiber
     */
    static Fiber<?> current() {
        return FiberProvider.get().currentFiber();
    }

    /**
     * Suspends the current fiber and puts it at the back of its scheduler's queue, so that other
     * runnable fibers run first. Outside a fiber, calls {@link Thread#yield()}. Inside
     * {@code synchronized} the fiber keeps its carrier and carries on at once (see
     * "Suspending inside {@code synchronized}" above).
     *
     * @throws FiberCancelledException if the current fiber has been cancelled
     */
    static void yield() {
        FiberProvider.get().yieldCurrent();
    }

    /**
     * Suspends the current fiber for at least {@code duration}; its carrier runs other fibers
     * meanwhile. Outside a fiber, blocks the thread; inside {@code synchronized}, blocks the
     * carrier (a pinned park, see above).
     *
     * @param duration how long to sleep
     * @throws InterruptedException if the fiber (or thread) is interrupted while sleeping; the
     *         interrupt status is cleared
     * @throws FiberCancelledException if the current fiber has been cancelled
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws NullPointerException if {@code duration} is null
     */
    static void sleep(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must not be negative: " + duration);
        }
        FiberProvider.get().sleepCurrent(saturatedNanos(duration));
    }

    /**
     * Parks the current fiber until its permit is available, as {@link java.util.concurrent.locks.LockSupport#park()}
     * does for threads: returns at once if {@link #unpark()} was called since the last park
     * (consuming the permit), otherwise suspends until unparked or interrupted. May also return
     * spuriously, so call it in a loop that re-checks its condition. Suspends the fiber, freeing
     * its carrier; outside a fiber, parks the thread; inside {@code synchronized}, blocks the
     * carrier (a pinned park, see above). An interrupt makes it return, not throw: the interrupt
     * status stays set.
     *
     * @throws FiberCancelledException if the current fiber has been cancelled
     */
    static void park() {
        FiberProvider.get().parkCurrent(0L);
    }

    /**
     * As {@link #park()}, but returns after at most {@code nanos} nanoseconds. Returns at once
     * when {@code nanos <= 0}, like {@link java.util.concurrent.locks.LockSupport#parkNanos(long)}.
     * Suspends the fiber (or parks the thread) as {@code park()} does.
     *
     * @param nanos the longest time to wait, in nanoseconds
     * @throws FiberCancelledException if the current fiber has been cancelled
     */
    static void parkNanos(long nanos) {
        if (nanos > 0) {
            FiberProvider.get().parkCurrent(nanos);
        }
    }

    /**
     * Tests and clears the interrupt status of the current fiber (or thread, outside a fiber).
     *
     * @return whether the interrupt status was set
     */
    static boolean interrupted() {
        return FiberProvider.get().interruptedCurrent();
    }

    /**
     * Waits for {@code future} to complete and returns its result, as {@link java.util.concurrent.Future#get()}
     * does, but a fiber suspends (its carrier runs other fibers) instead of blocking its carrier.
     * Outside a fiber, the thread blocks. Completion wakes the waiter directly.
     *
     * @param <T> the result type
     * @param future the future
     * @return its result
     * @throws ExecutionException if it completed exceptionally (the cause is its exception)
     * @throws CancellationException if it was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code future} is null
     */
    static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws ExecutionException, InterruptedException {
        return await((java.util.concurrent.Future<T>) future);
    }

    /**
     * Waits for {@code future} to complete and returns its result, as {@link java.util.concurrent.Future#get()}
     * does, without blocking a fiber's carrier. A future that is also a
     * {@link java.util.concurrent.CompletionStage} (a {@link java.util.concurrent.CompletableFuture})
     * wakes the waiter when it completes; any other future gives no completion hook, so the fiber
     * sleeps and checks it, at growing intervals from 10 microseconds up to 1 millisecond.
     *
     * @param <T> the result type
     * @param future the future
     * @return its result
     * @throws ExecutionException if it completed exceptionally (the cause is its exception)
     * @throws CancellationException if it was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code future} is null
     */
    static <T> T await(java.util.concurrent.Future<T> future) throws ExecutionException, InterruptedException {
        Objects.requireNonNull(future, "future");
        try {
            return dev.weft.fiber.spi.SyncProvider.get().await(future, -1L);
        } catch (TimeoutException impossible) {
            throw new AssertionError("an untimed await timed out", impossible);
        }
    }

    /**
     * As {@link #await(java.util.concurrent.Future)}, waiting at most {@code timeout}.
     *
     * @param <T> the result type
     * @param future the future
     * @param timeout the longest time to wait
     * @return its result
     * @throws ExecutionException if it completed exceptionally
     * @throws CancellationException if it was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws TimeoutException if the time ran out first
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if an argument is null
     */
    static <T> T await(java.util.concurrent.Future<T> future, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(timeout, "timeout");
        return dev.weft.fiber.spi.SyncProvider.get().await(future, Math.max(0L, saturatedNanos(timeout)));
    }

    // ----------------------------------------------------------------------------------------
    // Operations on a fiber

    /**
     * A number unique to this fiber within the JVM, assigned when first asked for.
     *
     * @return this fiber's id
     */
    long id();

    /**
     * The fiber's name, for diagnostics.
     *
     * @return the name given to {@link Builder#name(String)}, or {@code "fiber-<id>"}
     */
    String name();

    /**
     * The scheduler that runs this fiber.
     *
     * @return the scheduler given to {@link Builder#scheduler(FiberScheduler)}, or the default one
     */
    FiberScheduler scheduler();

    /**
     * A snapshot of this fiber's state.
     *
     * @return the state at the time of the call
     */
    State state();

    /**
     * Starts a fiber created by {@link Builder#unstarted(Callable)}.
     *
     * @return this fiber
     * @throws IllegalStateException if the fiber was already started
     * @throws java.util.concurrent.RejectedExecutionException if its scheduler is shut down
     */
    Fiber<V> start();

    /**
     * Waits until this fiber has terminated. In a fiber, suspends the caller; outside one,
     * blocks the thread; inside {@code synchronized}, blocks the caller's carrier (a pinned park).
     *
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if a fiber joins itself, or the fiber was never started
     */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for this fiber to terminate. Suspends or blocks the caller
     * as {@link #join()} does.
     *
     * @param timeout the longest time to wait
     * @return {@code true} if it terminated, {@code false} if the time ran out first
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if a fiber joins itself, or the fiber was never started
     */
    boolean join(Duration timeout) throws InterruptedException;

    /**
     * Waits for this fiber to terminate and returns its result. Suspends or blocks the caller
     * as {@link #join()} does.
     *
     * @return the value returned by the fiber's task ({@code null} for a {@link Runnable})
     * @throws ExecutionException if the task threw; the cause is what it threw
     * @throws CancellationException if the fiber was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if a fiber gets its own result, or the fiber was never started
     */
    V get() throws ExecutionException, InterruptedException;

    /**
     * As {@link #get()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest time to wait
     * @return the value returned by the fiber's task ({@code null} for a {@link Runnable})
     * @throws TimeoutException if the fiber has not terminated when the time runs out
     * @throws ExecutionException if the task threw; the cause is what it threw
     * @throws CancellationException if the fiber was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if a fiber gets its own result, or the fiber was never started
     */
    V get(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException;

    /**
     * Whether this fiber has terminated, for whatever reason. Does not wait.
     *
     * @return {@code true} once the state is {@link State#TERMINATED}
     */
    default boolean isDone() {
        return state() == State.TERMINATED;
    }

    /**
     * Cancels this fiber. A fiber that has not begun running never runs its task; a running or
     * suspended fiber is woken and its next suspension point throws {@link FiberCancelledException},
     * so its {@code finally} blocks run. A fiber that never suspends again runs to completion
     * but still reports itself cancelled. Does not wait for the fiber to end.
     *
     * @return {@code true} if this call cancelled the fiber, {@code false} if it had already
     *         terminated or been cancelled
     */
    boolean cancel();

    /**
     * Whether {@link #cancel()} succeeded on this fiber.
     *
     * @return {@code true} if this fiber was cancelled
     */
    boolean isCancelled();

    /**
     * Sets this fiber's interrupt status and wakes it if it is parked, sleeping or joining.
     * Does not wait; may be called from anywhere.
     */
    void interrupt();

    /**
     * This fiber's interrupt status, unchanged.
     *
     * @return whether the interrupt status is set
     */
    boolean isInterrupted();

    /**
     * Makes the permit available to this fiber: if it is parked it resumes; otherwise its next
     * {@link #park()} returns at once. Permits do not accumulate. May be called from anywhere.
     */
    void unpark();

    // ----------------------------------------------------------------------------------------

    /** Converts a duration to nanoseconds, saturating at {@link Long#MAX_VALUE}. */
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Configures and starts fibers. A builder may start any number of fibers; each gets the
     * configuration at the time it is started.
     */
    final class Builder {
        private String name;
        private FiberScheduler scheduler;
        private UncaughtExceptionHandler handler;
        private boolean affinity;

        private Builder() {
        }

        /**
         * The fiber's name, for diagnostics.
         *
         * @param name the name; by default {@code "fiber-<id>"}
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The scheduler to run on.
         *
         * @param scheduler the scheduler; by default {@link Schedulers#defaultScheduler()}
         * @return this builder
         * @throws NullPointerException if {@code scheduler} is null
         */
        public Builder scheduler(FiberScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Called with the exception that ends the fiber, in addition to it reaching {@link #get()}.
         * Without one, the fiber's scheduler's
         * {@linkplain FiberScheduler#uncaughtExceptionHandler() handler} is called; if it has none,
         * the exception is logged at {@code WARNING} through {@link System.Logger}
         * {@code dev.weft.fiber.uncaught}, with the fiber's name, id and the stack trace.
         * Cancellation ({@link FiberCancelledException}) is never reported.
         *
         * @param handler the handler; by default the scheduler's, else the log
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder uncaughtExceptionHandler(UncaughtExceptionHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * With {@code true}, the fiber always resumes on the carrier thread it first ran on, so
         * that code which keeps {@link Thread#currentThread()} (or carrier {@code ThreadLocal}s,
         * or lock owners) across a suspension point sees the right thread. Costs the scheduler
         * its freedom to balance that fiber; see {@code docs/benchmarks.md} for what it costs.
         *
         * @param affinity whether the fiber stays on its first carrier; by default {@code false}
         * @return this builder
         * @throws UnsupportedOperationException at start, if the scheduler does not
         *         {@linkplain FiberScheduler#supportsAffinity() support affinity}
         */
        public Builder carrierAffinity(boolean affinity) {
            this.affinity = affinity;
            return this;
        }

        /**
         * Creates and starts a fiber that runs {@code task}. Does not wait for it.
         *
         * @param <V> the type of the task's result
         * @param task the code the fiber runs
         * @return the started fiber
         * @throws NullPointerException if {@code task} is null
         * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
         * @throws UnsupportedOperationException if carrier affinity was asked for and the
         *         scheduler does not support it
         */
        public <V> Fiber<V> start(Callable<V> task) {
            return unstarted(task).start();
        }

        /**
         * Creates and starts a fiber that runs {@code task}. Does not wait for it.
         *
         * @param task the code the fiber runs
         * @return the started fiber
         * @throws NullPointerException if {@code task} is null
         * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
         * @throws UnsupportedOperationException if carrier affinity was asked for and the
         *         scheduler does not support it
         */
        public Fiber<Void> start(Runnable task) {
            return unstarted(task).start();
        }

        /**
         * Creates a fiber that runs {@code task} once {@link Fiber#start()} is called.
         *
         * @param <V> the type of the task's result
         * @param task the code the fiber will run
         * @return the fiber, in state {@link State#NEW}
         * @throws NullPointerException if {@code task} is null
         */
        public <V> Fiber<V> unstarted(Callable<V> task) {
            Objects.requireNonNull(task, "task");
            return FiberProvider.get().newFiber(task, name, scheduler, handler, affinity);
        }

        /**
         * Creates a fiber that runs {@code task} once {@link Fiber#start()} is called.
         *
         * @param task the code the fiber will run
         * @return the fiber, in state {@link State#NEW}
         * @throws NullPointerException if {@code task} is null
         */
        public Fiber<Void> unstarted(Runnable task) {
            Objects.requireNonNull(task, "task");
            return FiberProvider.get().newFiber(task, name, scheduler, handler, affinity);
        }
    }
}
