package dev.weft.bench.executor;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What does an {@code ExecutorService} user pay per short task?
 *
 * <p>Each operation pushes {@value #TASKS} short CPU tasks through one executor, normalised per
 * task, in one of two patterns: {@code sequential} (submit one, wait for it, submit the next: a
 * thread hand-off each time) and {@code fanOut} (submit all, then wait for all). The baseline is
 * a two-thread {@code ThreadPoolExecutor}, the executor a drop-in replacement must beat. Weft's
 * executors run on a two-carrier work-stealing scheduler, in both modes: a virtual thread per task
 * ({@code FiberExecutors.newFiberPerTaskExecutor}) and a raw fiber per task
 * ({@code newRawFiberPerTaskExecutor}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExecutorBench {
    /** Tasks per operation. */
    public static final int TASKS = 1_000;
    /** CPU work per task, in JMH {@link Blackhole#consumeCPU} tokens (well under a microsecond). */
    public static final int TASK_TOKENS = 50;

    private static final Callable<Integer> SHORT_TASK = () -> {
        Blackhole.consumeCPU(TASK_TOKENS);
        return 1;
    };

    /** The submission pattern and the executors under test. */
    @State(Scope.Benchmark)
    public static class ExecutorState {
        @Param({"sequential", "fanOut"})
        public String pattern;
        ExecutorService threadPool;
        ExecutorService forkJoinPool;
        ExecutorService virtualThreads;
        FiberScheduler weftScheduler;
        ExecutorService weftVirtualThreads;
        ExecutorService weftRawFibers;

        @Setup(Level.Trial)
        public void setUp() {
            if (!pattern.equals("sequential") && !pattern.equals("fanOut")) {
                throw new IllegalArgumentException("pattern must be sequential or fanOut: " + pattern);
            }
            threadPool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            forkJoinPool = new ForkJoinPool(2);
            virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
            weftScheduler = Schedulers.workStealing(2);
            weftVirtualThreads = FiberExecutors.newFiberPerTaskExecutor(weftScheduler);
            weftRawFibers = FiberExecutors.newRawFiberPerTaskExecutor(weftScheduler);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            threadPool.shutdownNow();
            forkJoinPool.shutdownNow();
            virtualThreads.shutdownNow();
            weftVirtualThreads.close();
            weftRawFibers.close();
            weftScheduler.close();
        }
    }

    static int run(ExecutorService executor, String pattern) throws ExecutionException, InterruptedException {
        int sum = 0;
        if (pattern.equals("sequential")) {
            for (int i = 0; i < TASKS; i++) {
                sum += executor.submit(SHORT_TASK).get();
            }
        } else {
            List<Future<Integer>> futures = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                futures.add(executor.submit(SHORT_TASK));
            }
            for (Future<Integer> f : futures) {
                sum += f.get();
            }
        }
        return sum;
    }

    /** Baseline: a two-thread {@code ThreadPoolExecutor}. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int baselineThreadPoolExecutor(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.threadPool, state.pattern);
    }

    /** A two-thread {@code ForkJoinPool} used as an {@code ExecutorService}. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int forkJoinPool(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.forkJoinPool, state.pattern);
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int virtualThreadPerTask(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.virtualThreads, state.pattern);
    }

    /** Weft, virtual-thread mode: a JDK virtual thread per task, carried by a two-carrier work-stealing scheduler. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int weftVirtualThreadMode(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.weftVirtualThreads, state.pattern);
    }

    /** Weft, raw-fiber mode: a Weft fiber per task on a two-carrier work-stealing scheduler. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int weftRawFiberMode(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.weftRawFibers, state.pattern);
    }

    /**
     * The floor of the raw-fiber mode: the same tasks as bare Weft fibers on the same scheduler,
     * started with {@code Fiber.builder()} and awaited with {@code Fiber.get()}, no executor.
     * The gap to {@link #weftRawFiberMode} is what the executor's contract costs.
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int weftFibersWithoutExecutor(ExecutorState state) throws ExecutionException, InterruptedException {
        Fiber.Builder builder = Fiber.builder().scheduler(state.weftScheduler);
        int sum = 0;
        if (state.pattern.equals("sequential")) {
            for (int i = 0; i < TASKS; i++) {
                sum += builder.start(SHORT_TASK).get();
            }
        } else {
            List<Fiber<Integer>> fibers = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                fibers.add(builder.start(SHORT_TASK));
            }
            for (Fiber<Integer> f : fibers) {
                sum += f.get();
            }
        }
        return sum;
    }
}
