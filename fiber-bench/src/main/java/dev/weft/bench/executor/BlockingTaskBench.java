package dev.weft.bench.executor;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What does code that blocks the old way cost on each executor?
 *
 * <p>Each operation fans out {@value #TASKS} tasks and waits for all, normalised per task. Two
 * patterns: {@code sleep} (each task {@code Thread.sleep(1)}) and {@code handOff} (tasks in pairs,
 * one {@code put}s into a {@code SynchronousQueue} the other {@code take}s from: each waits for
 * its partner). The baseline is {@code Executors.newFixedThreadPool(200)}-style pool, the code
 * this is meant to replace; the two-thread pool shows what happens without enough threads.
 * Weft runs on two carriers: the virtual-thread mode unmounts the waits, the raw-fiber mode blocks
 * carriers and the watchdog adds compensating ones; {@code carriersAdded} (an auxiliary event
 * counter) is the growth of the scheduler's {@code compensationsTotal} over each iteration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlockingTaskBench {
    /** Tasks per operation. */
    public static final int TASKS = 200;

    /** The pattern and the executors. */
    @State(Scope.Benchmark)
    public static class ExecutorState {
        @Param({"sleep", "handOff"})
        public String pattern;
        ExecutorService pool200;
        ExecutorService pool2;
        ExecutorService forkJoinPool;
        ExecutorService virtualThreads;
        FiberScheduler weftScheduler;
        ExecutorService weftVirtualThreads;
        ExecutorService weftRawFibers;

        @Setup(Level.Trial)
        public void setUp() {
            if (!pattern.equals("sleep") && !pattern.equals("handOff")) {
                throw new IllegalArgumentException("pattern must be sleep or handOff: " + pattern);
            }
            pool200 = new ThreadPoolExecutor(200, 200, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            pool2 = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            forkJoinPool = new ForkJoinPool(2);
            virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
            weftScheduler = Schedulers.workStealing(2);
            weftVirtualThreads = FiberExecutors.newFiberPerTaskExecutor(weftScheduler);
            weftRawFibers = FiberExecutors.newRawFiberPerTaskExecutor(weftScheduler);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool200.shutdownNow();
            pool2.shutdownNow();
            forkJoinPool.shutdownNow();
            virtualThreads.shutdownNow();
            weftVirtualThreads.close();
            weftRawFibers.close();
            weftScheduler.close();
        }
    }

    /**
     * Compensating carriers the Weft scheduler started, summed over each iteration (an event
     * count: as a rate it would be infinite time per carrier whenever none was added).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Carriers {
        public long carriersAdded;
    }

    static int run(ExecutorService executor, String pattern) throws ExecutionException, InterruptedException {
        List<Future<Integer>> futures = new ArrayList<>(TASKS);
        if (pattern.equals("sleep")) {
            for (int i = 0; i < TASKS; i++) {
                futures.add(executor.submit(() -> {
                    Thread.sleep(1);
                    return 1;
                }));
            }
        } else {
            for (int i = 0; i < TASKS / 2; i++) {
                SynchronousQueue<Integer> q = new SynchronousQueue<>();
                futures.add(executor.submit(() -> {
                    q.put(1);
                    return 1;
                }));
                futures.add(executor.submit(q::take));
            }
        }
        int sum = 0;
        for (Future<Integer> f : futures) {
            sum += f.get();
        }
        return sum;
    }

    private static int runWeft(ExecutorState state, ExecutorService executor, Carriers carriers)
            throws ExecutionException, InterruptedException {
        long before = state.weftScheduler.stats().compensationsTotal();
        int sum = run(executor, state.pattern);
        carriers.carriersAdded += state.weftScheduler.stats().compensationsTotal() - before;
        return sum;
    }

    /** Baseline: a 200-thread {@code ThreadPoolExecutor}, one thread per concurrent task. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int baselineThreadPool200(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.pool200, state.pattern);
    }

    /** A two-thread {@code ThreadPoolExecutor}: as many threads as Weft's carriers. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int threadPool2(ExecutorState state) throws ExecutionException, InterruptedException {
        return run(state.pool2, state.pattern);
    }

    /**
     * A two-thread {@code ForkJoinPool}. Pairs are submitted putter first, so two threads always
     * make progress; how far a pool gets with fewer threads than waiting tasks is this row.
     */
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

    /** Weft, virtual-thread mode on two carriers. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int weftVirtualThreadMode(ExecutorState state, Carriers carriers) throws ExecutionException, InterruptedException {
        return runWeft(state, state.weftVirtualThreads, carriers);
    }

    /** Weft, raw-fiber mode on two carriers: the waits block carriers and are compensated. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int weftRawFiberMode(ExecutorState state, Carriers carriers) throws ExecutionException, InterruptedException {
        return runWeft(state, state.weftRawFibers, carriers);
    }
}
