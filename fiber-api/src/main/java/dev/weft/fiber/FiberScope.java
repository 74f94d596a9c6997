package dev.weft.fiber;

import dev.weft.fiber.spi.ExecutorProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Structured concurrency for fibers, in the shape of JDK 25's preview
 * {@code java.util.concurrent.StructuredTaskScope}: a task forks subtasks in a scope, joins them,
 * and closes the scope, and no subtask outlives it.
 *
 * <pre>{@code
 * try (var scope = FiberScope.open()) {           // fail-fast: the first failure cancels the rest
 *     FiberScope.Subtask<User> user = scope.fork(() -> findUser(id));
 *     FiberScope.Subtask<Order> order = scope.fork(() -> fetchOrder(id));
 *     scope.join();                               // throws FailedException if one failed
 *     return new Response(user.get(), order.get());
 * }
 * }</pre>
 *
 * <p>Each subtask runs in a Weft fiber (by default, on the default scheduler or the one given by
 * {@link Configuration#withScheduler(FiberScheduler)}) or in a virtual thread carried by a Weft
 * scheduler ({@link Configuration#withVirtualThreads(boolean)}). A {@link Joiner} decides, as
 * each subtask completes, whether the scope is done, and makes the outcome of {@link #join()}:
 * {@link Joiner#awaitAllSuccessfulOrThrow()} (the default: fail fast), {@link Joiner#awaitAll()}
 * and {@link Joiner#allUntil(Predicate)} (collect all), {@link Joiner#allSuccessfulOrThrow()},
 * {@link Joiner#anySuccessfulResultOrThrow()}, or one of the caller's own.
 *
 * <p><b>Cancellation.</b> Cancelling the scope cancels every subtask not yet done: a fiber is
 * {@linkplain Fiber#cancel() cancelled} (its next suspension point throws
 * {@link FiberCancelledException}, and a blocking call it is in is interrupted), a virtual thread
 * is interrupted. The scope is cancelled when the joiner says so (a failure, by default), when
 * {@link #join()} times out ({@link Configuration#withTimeout(Duration)}), when the owner is
 * interrupted or, being a fiber, cancelled while it waits in {@code join}, and by {@link #close()}.
 * Subtasks that complete after the cancellation are not seen by the joiner.
 *
 * <p><b>Ownership.</b> The fiber or thread that opened the scope owns it: only the owner may fork,
 * join and close ({@link WrongThreadException} otherwise); forking after {@code join} throws
 * {@link IllegalStateException}. The owner must join before closing: a close after forks without
 * a join cancels and waits for the subtasks and then throws {@code IllegalStateException}, as the
 * JDK's scope does. Unlike the JDK's, scopes need not nest strictly inside scoped-value
 * bindings (there is no {@code StructureViolationException}).
 *
 * @param <T> the result type of the subtasks
 * @param <R> the result type of {@link #join()}
 */
public interface FiberScope<T, R> extends AutoCloseable {

    /**
     * Opens a scope whose subtasks are fibers on the default scheduler and whose {@link #join()}
     * fails fast: it returns {@code null} when every subtask succeeded, and throws
     * {@link FailedException} with the first failure (the others suppressed) as soon as one fails,
     * which also cancels the others. The caller owns the scope.
     *
     * @param <T> the result type of the subtasks
     * @return a new open scope
     */
    static <T> FiberScope<T, Void> open() {
        return open(Joiner.awaitAllSuccessfulOrThrow(), Function.identity());
    }

    /**
     * Opens a scope with {@code joiner} and the default configuration.
     *
     * @param <T> the result type of the subtasks
     * @param <R> the result type of {@code join}
     * @param joiner decides when the scope is done and what {@code join} returns
     * @return a new open scope
     * @throws NullPointerException if {@code joiner} is null
     */
    static <T, R> FiberScope<T, R> open(Joiner<? super T, ? extends R> joiner) {
        return open(joiner, Function.identity());
    }

    /**
     * Opens a scope with {@code joiner} and the configuration {@code configFunction} makes from
     * the default one.
     *
     * @param <T> the result type of the subtasks
     * @param <R> the result type of {@code join}
     * @param joiner decides when the scope is done and what {@code join} returns
     * @param configFunction makes the configuration from the default one
     * @return a new open scope
     * @throws NullPointerException if an argument is null, or the function returns null
     * @throws IllegalStateException if virtual threads are asked for and the JVM does not let
     *         Weft build them (see {@link Schedulers#virtualThreadBuilder(FiberScheduler)})
     */
    static <T, R> FiberScope<T, R> open(Joiner<? super T, ? extends R> joiner,
                                        Function<Configuration, Configuration> configFunction) {
        Objects.requireNonNull(joiner, "joiner");
        Objects.requireNonNull(configFunction, "configFunction");
        Configuration config = Objects.requireNonNull(configFunction.apply(Configuration.DEFAULT), "configuration");
        return ExecutorProvider.get().openScope(joiner, config);
    }

    /**
     * Forks a subtask that runs {@code task} in a new fiber (or virtual thread). Calls the
     * joiner's {@link Joiner#onFork} first. In a cancelled scope the subtask is not run.
     *
     * @param <U> the subtask's result type
     * @param task the code to run
     * @return the subtask
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the caller is not the owner
     * @throws IllegalStateException if the owner has already joined, or the scope is closed
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler rejects the subtask
     */
    <U extends T> Subtask<U> fork(Callable<? extends U> task);

    /**
     * As {@link #fork(Callable)}, for a task without a result ({@link Subtask#get()} returns null).
     *
     * @param <U> the subtask's result type
     * @param task the code to run
     * @return the subtask
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the caller is not the owner
     * @throws IllegalStateException if the owner has already joined, or the scope is closed
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler rejects the subtask
     */
    <U extends T> Subtask<U> fork(Runnable task);

    /**
     * Waits until every subtask has completed or the scope is cancelled, then returns the
     * joiner's {@link Joiner#result()}. A fiber owner suspends while it waits. May be called once.
     *
     * @return the joiner's result
     * @throws FailedException if the joiner's result is an exception (its cause); other
     *         failures of subtasks are attached to it as suppressed exceptions
     * @throws TimeoutException if a time-out was configured and ran out (the scope is cancelled)
     * @throws InterruptedException if the owner is interrupted while waiting (the scope is cancelled)
     * @throws FiberCancelledException if the owner fiber is cancelled while waiting (the scope is
     *         cancelled)
     * @throws WrongThreadException if the caller is not the owner
     * @throws IllegalStateException if already joined, or the scope is closed
     */
    R join() throws InterruptedException;

    /**
     * Whether the scope was cancelled (by the joiner, a time-out, the owner's interruption or
     * cancellation, or {@link #close()}).
     *
     * @return {@code true} once cancelled
     */
    boolean isCancelled();

    /**
     * Cancels the scope if it is not done, waits for every subtask's fiber or thread to end, and
     * closes it. Idempotent. Waits even if the owner is interrupted or cancelled (a cancelled
     * fiber owner then blocks its carrier briefly, since it can no longer suspend).
     *
     * @throws WrongThreadException if the caller is not the owner
     * @throws IllegalStateException after closing, if the owner forked and did not join
     */
    @Override
    void close();

    /**
     * A forked subtask, as {@code StructuredTaskScope.Subtask}.
     *
     * @param <T> the subtask's result type
     */
    interface Subtask<T> extends Supplier<T> {

        /** The state of a subtask. */
        enum State {
            /** Not completed, completed after the scope was cancelled, or forked in a cancelled scope. */
            UNAVAILABLE,
            /** Returned a result. */
            SUCCESS,
            /** Threw. */
            FAILED
        }

        /**
         * The subtask's state.
         *
         * @return the state now
         */
        State state();

        /**
         * The subtask's result.
         *
         * @return what its task returned
         * @throws IllegalStateException if it did not succeed, or the owner asks before joining
         */
        @Override
        T get();

        /**
         * The exception the subtask threw.
         *
         * @return what its task threw
         * @throws IllegalStateException if it did not fail, or the owner asks before joining
         */
        Throwable exception();
    }

    /**
     * Decides when a scope is done and what {@link FiberScope#join()} returns, as
     * {@code StructuredTaskScope.Joiner}. {@code onFork} runs in the owner, {@code onComplete} in
     * the subtask's fiber or thread, concurrently with others: implementations must be
     * thread-safe.
     *
     * @param <T> the result type of the subtasks
     * @param <R> the result type of {@code join}
     */
    @FunctionalInterface
    interface Joiner<T, R> {

        /**
         * Called by {@code fork} before the subtask starts.
         *
         * @param subtask the new subtask, {@link Subtask.State#UNAVAILABLE}
         * @return {@code true} to cancel the scope
         */
        default boolean onFork(Subtask<? extends T> subtask) {
            return false;
        }

        /**
         * Called when a subtask has succeeded or failed, unless the scope was cancelled before.
         *
         * @param subtask the completed subtask
         * @return {@code true} to cancel the scope
         */
        default boolean onComplete(Subtask<? extends T> subtask) {
            return false;
        }

        /**
         * The outcome of {@code join}, called once by it after the wait.
         *
         * @return what {@code join} returns
         * @throws Throwable what {@code join} throws, wrapped in {@link FailedException}
         */
        R result() throws Throwable;

        /**
         * Fail fast, for subtasks of different types: {@code join} returns {@code null} when all
         * succeeded; the first failure cancels the scope and is what {@code join} throws.
         *
         * @param <T> the result type of the subtasks
         * @return a new joiner
         */
        static <T> Joiner<T, Void> awaitAllSuccessfulOrThrow() {
            return new FirstFailureJoiner<T, Void>() {
                @Override
                Void success() {
                    return null;
                }
            };
        }

        /**
         * Fail fast, for subtasks of one type: {@code join} returns the subtasks in fork order
         * when all succeeded; the first failure cancels the scope and is what {@code join} throws.
         *
         * @param <T> the result type of the subtasks
         * @return a new joiner
         */
        static <T> Joiner<T, Stream<Subtask<T>>> allSuccessfulOrThrow() {
            return new FirstFailureJoiner<T, Stream<Subtask<T>>>() {
                private final List<Subtask<T>> forked = new ArrayList<>(); // owner only

                @Override
                @SuppressWarnings("unchecked")
                public boolean onFork(Subtask<? extends T> subtask) {
                    forked.add((Subtask<T>) subtask);
                    return false;
                }

                @Override
                Stream<Subtask<T>> success() {
                    return forked.stream();
                }
            };
        }

        /**
         * The first success wins: it cancels the scope and its result is what {@code join}
         * returns; if every subtask fails, {@code join} throws the first failure.
         *
         * @param <T> the result type of the subtasks
         * @return a new joiner
         */
        static <T> Joiner<T, T> anySuccessfulResultOrThrow() {
            return new Joiner<>() {
                private final AtomicReference<Subtask<? extends T>> winner = new AtomicReference<>();
                private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

                @Override
                public boolean onComplete(Subtask<? extends T> subtask) {
                    if (subtask.state() == Subtask.State.SUCCESS) {
                        winner.compareAndSet(null, subtask);
                        return true;
                    }
                    firstFailure.compareAndSet(null, subtask.exception());
                    return false;
                }

                @Override
                public T result() throws Throwable {
                    Subtask<? extends T> w = winner.get();
                    if (w != null) {
                        return w.get();
                    }
                    Throwable t = firstFailure.get();
                    throw t != null ? t : new java.util.NoSuchElementException("no subtask completed");
                }
            };
        }

        /**
         * Collect all, never cancel: {@code join} waits for every subtask and returns {@code null};
         * look at each subtask's state.
         *
         * @param <T> the result type of the subtasks
         * @return a new joiner
         */
        static <T> Joiner<T, Void> awaitAll() {
            return () -> null;
        }

        /**
         * Collect all until {@code isDone} accepts a completed subtask, which cancels the scope:
         * {@code join} returns every subtask in fork order.
         *
         * @param <T> the result type of the subtasks
         * @param isDone tested with each completed subtask, concurrently
         * @return a new joiner
         * @throws NullPointerException if {@code isDone} is null
         */
        static <T> Joiner<T, Stream<Subtask<T>>> allUntil(Predicate<Subtask<? extends T>> isDone) {
            Objects.requireNonNull(isDone, "isDone");
            return new Joiner<>() {
                private final List<Subtask<T>> forked = new ArrayList<>(); // owner only

                @Override
                @SuppressWarnings("unchecked")
                public boolean onFork(Subtask<? extends T> subtask) {
                    forked.add((Subtask<T>) subtask);
                    return false;
                }

                @Override
                public boolean onComplete(Subtask<? extends T> subtask) {
                    return isDone.test(subtask);
                }

                @Override
                public Stream<Subtask<T>> result() {
                    return forked.stream();
                }
            };
        }
    }

    /**
     * How a scope runs its subtasks: on which scheduler, as fibers or virtual threads, under
     * which name, and how long {@code join} may wait. Immutable; each {@code with} method returns a new one.
     */
    final class Configuration {
        static final Configuration DEFAULT = new Configuration(null, false, null, null);

        private final FiberScheduler scheduler;
        private final boolean virtualThreads;
        private final String name;
        private final Duration timeout;

        private Configuration(FiberScheduler scheduler, boolean virtualThreads, String name, Duration timeout) {
            this.scheduler = scheduler;
            this.virtualThreads = virtualThreads;
            this.name = name;
            this.timeout = timeout;
        }

        /**
         * The scheduler that runs the subtasks.
         *
         * @param scheduler the scheduler; by default {@link Schedulers#defaultScheduler()}
         * @return a new configuration
         * @throws NullPointerException if {@code scheduler} is null
         */
        public Configuration withScheduler(FiberScheduler scheduler) {
            return new Configuration(Objects.requireNonNull(scheduler, "scheduler"), virtualThreads, name, timeout);
        }

        /**
         * Whether each subtask runs in a virtual thread carried by the scheduler (for code that
         * needs {@code ThreadLocal}s, {@code java.util.concurrent} locks or blocking I/O) instead
         * of a Weft fiber.
         *
         * @param virtualThreads {@code true} for virtual threads; by default {@code false}
         * @return a new configuration
         */
        public Configuration withVirtualThreads(boolean virtualThreads) {
            return new Configuration(scheduler, virtualThreads, name, timeout);
        }

        /**
         * The scope's name, for diagnostics (its subtasks' names start with it).
         *
         * @param name the name
         * @return a new configuration
         * @throws NullPointerException if {@code name} is null
         */
        public Configuration withName(String name) {
            return new Configuration(scheduler, virtualThreads, Objects.requireNonNull(name, "name"), timeout);
        }

        /**
         * The longest {@code join} waits, from the time the scope is opened; then the scope is
         * cancelled and {@code join} throws {@link TimeoutException}.
         *
         * @param timeout the time-out
         * @return a new configuration
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Configuration withTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + timeout);
            }
            return new Configuration(scheduler, virtualThreads, name, timeout);
        }

        /**
         * The scheduler, or null for the default one.
         *
         * @return the scheduler, or null for the default one
         */
        public FiberScheduler scheduler() {
            return scheduler;
        }

        /**
         * Whether subtasks run in virtual threads.
         *
         * @return whether subtasks run in virtual threads
         */
        public boolean virtualThreads() {
            return virtualThreads;
        }

        /**
         * The name, or null.
         *
         * @return the name, or null
         */
        public String name() {
            return name;
        }

        /**
         * The time-out, or null for none.
         *
         * @return the time-out, or null for none
         */
        public Duration timeout() {
            return timeout;
        }
    }

    /** Thrown by {@link FiberScope#join()} when its outcome is an exception, which is the cause. */
    final class FailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param cause the outcome: the first failure, for the fail-fast joiners
         */
        public FailedException(Throwable cause) {
            super(cause);
        }
    }

    /** Thrown by {@link FiberScope#join()} when the configured time-out ran out. */
    final class TimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message what ran out
         */
        public TimeoutException(String message) {
            super(message);
        }
    }
}
