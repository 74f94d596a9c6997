package dev.weft.fiber;

import dev.weft.fiber.spi.ExecutorProvider;
import dev.weft.fiber.spi.FiberProvider;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/** Factories for Weft's schedulers. */
public final class Schedulers {
    private Schedulers() {
    }

    /**
     * A work-stealing scheduler with {@code parallelism} carriers: each carrier has its own queue
     * (with a LIFO slot for the fiber it just woke), takes work from a shared injection queue
     * for submissions from outside, and steals half of a random victim's queue when it runs out.
     * Carriers are daemon threads and park when idle.
     *
     * @param parallelism the number of carriers (compensating carriers come on top, while
     *        carriers are blocked outside Weft)
     * @return a new scheduler, running; {@linkplain FiberScheduler#close() close} it when done
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static FiberScheduler workStealing(int parallelism) {
        checkParallelism(parallelism);
        return FiberProvider.get().workStealing(parallelism);
    }

    /**
     * A scheduler whose {@code parallelism} carriers share one first-in first-out queue: fibers
     * run in the order they became runnable. Carriers are daemon threads and park when idle.
     *
     * @param parallelism the number of carriers (compensating carriers come on top, while
     *        carriers are blocked outside Weft)
     * @return a new scheduler, running; {@linkplain FiberScheduler#close() close} it when done
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static FiberScheduler fifo(int parallelism) {
        checkParallelism(parallelism);
        return FiberProvider.get().fifo(parallelism);
    }

    /**
     * A deterministic scheduler for tests, with the {@link DeterministicScheduler.Strategy#UNIFORM
     * UNIFORM} strategy: one carrier, a virtual clock, and at every scheduling point the next task
     * picked by a pseudo-random generator seeded with {@code seed}, so the same seed gives the same
     * interleaving on every run. See {@link DeterministicScheduler}.
     *
     * @param seed the seed of the choices; any value
     * @return a new scheduler; start its work with {@link DeterministicScheduler#run}
     */
    public static DeterministicScheduler deterministic(long seed) {
        return deterministic(seed, DeterministicScheduler.Strategy.UNIFORM);
    }

    /**
     * As {@link #deterministic(long)}, with the given strategy.
     *
     * @param seed the seed of the choices; any value
     * @param strategy how the next task is picked
     * @return a new scheduler; start its work with {@link DeterministicScheduler#run}
     * @throws NullPointerException if {@code strategy} is null
     */
    public static DeterministicScheduler deterministic(long seed, DeterministicScheduler.Strategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        return FiberProvider.get().deterministic(seed, strategy, null);
    }

    /**
     * A deterministic scheduler that makes exactly the decisions of {@code trace} (its seed and
     * strategy are the trace's). Each step runs the task the trace names; if the code under test
     * behaves differently (the named task is not runnable, the number of runnable tasks or the
     * virtual time differs), the run stops with an {@link IllegalStateException} naming the first step that
     * diverged. After a faithful replay, {@link DeterministicScheduler#trace()} equals
     * {@code trace}.
     *
     * @param trace a recorded trace, as {@link DeterministicScheduler#trace()} returned it
     * @return a new scheduler; start its work with {@link DeterministicScheduler#run}
     * @throws NullPointerException if {@code trace} is null
     */
    public static DeterministicScheduler replay(DeterministicScheduler.Trace trace) {
        Objects.requireNonNull(trace, "trace");
        return FiberProvider.get().deterministic(trace.seed(), trace.strategy(), trace);
    }

    /**
     * The scheduler used by fibers started without one: work-stealing, one carrier per available
     * processor, daemon carriers, created on first use and never shut down (its
     * {@code shutdown} methods throw {@link UnsupportedOperationException}).
     *
     * @return the JVM-wide default scheduler
     */
    public static FiberScheduler defaultScheduler() {
        return FiberProvider.get().defaultScheduler();
    }

    /**
     * A builder of JDK virtual threads whose carriers are {@code scheduler}'s instead of the JDK's
     * own {@code ForkJoinPool}. It is the JDK's own {@link Thread.Builder.OfVirtual} (name, name
     * with a counter, {@code inheritInheritableThreadLocals}, uncaught-exception handler,
     * {@code factory()}, {@code start}, {@code unstarted}), so the threads keep every promise of a
     * virtual thread: {@code Thread.currentThread()}, {@code ThreadLocal}s, interrupts,
     * {@code java.util.concurrent} locks, and unmounting in {@code Thread.sleep}, blocking queues,
     * contended {@code synchronized} and socket I/O. Each time such a thread becomes runnable, the
     * JDK hands a task to {@code scheduler.execute}; a carrier pinned by a virtual thread (a native
     * frame on its stack) is compensated by Weft's schedulers like any blocked carrier.
     *
     * <p>The JDK (25) has no public API for this: Weft calls the JDK's package-private
     * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor, which needs the
     * JVM flag {@code --add-opens java.base/java.lang=ALL-UNNAMED} (on the module path: {@code =dev.weft.fiber.impl}).
     * Shut {@code scheduler} down only after its virtual threads have ended: a virtual thread that
     * wakes on a scheduler that rejects new work fails as the JDK's own does.
     *
     * <pre>{@code
     * FiberScheduler carriers = Schedulers.fifo(1);          // e.g. one deterministic carrier
     * Thread t = Schedulers.virtualThreadBuilder(carriers).name("worker-", 0).start(task);
     * }</pre>
     *
     * @param scheduler the scheduler whose carriers run the threads
     * @return a new builder; like the JDK's, not safe for use by several threads at once
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalStateException if the JVM was started without the {@code --add-opens} flag
     *         (the message shows it and where to put it), or this JDK no longer has the constructor
     */
    public static Thread.Builder.OfVirtual virtualThreadBuilder(FiberScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return ExecutorProvider.get().virtualThreadBuilder(scheduler);
    }

    /**
     * A thread factory that creates (unstarted) virtual threads carried by {@code scheduler}:
     * {@code virtualThreadBuilder(scheduler).factory()}. Threads get the default virtual-thread
     * name (the empty string). Pass it to {@link java.util.concurrent.Executors#newThreadPerTaskExecutor(ThreadFactory)}
     * or to any code that takes a {@code ThreadFactory}.
     *
     * @param scheduler the scheduler whose carriers run the threads
     * @return a thread-safe factory
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalStateException as {@link #virtualThreadBuilder(FiberScheduler)} does
     */
    public static ThreadFactory virtualThreadFactory(FiberScheduler scheduler) {
        return virtualThreadBuilder(scheduler).factory();
    }

    private static void checkParallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
    }
}
