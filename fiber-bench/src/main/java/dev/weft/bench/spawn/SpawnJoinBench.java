package dev.weft.bench.spawn;

import dev.weft.bench.LegacyLockingScheduler;
import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinContenders;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.StackfulContinuation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What does it cost to start an empty task and wait for it, from inside a task of the same kind?
 *
 * <p>Each operation is a batch of spawn+join pairs run one after another inside one task,
 * normalised per pair. The baseline is the JDK's own answer for cheap tasks, a virtual thread
 * started and joined from inside a virtual thread. The thread-pool contender waits inside a
 * pool task for a task that another pool thread must pick up, so it pays a thread hand-off each
 * time; the fork/join one forks and joins, which usually runs the child in place.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpawnJoinBench {
    /** Spawn+join pairs per operation for the task kinds that spawn cheaply. */
    public static final int SPAWNS = 10_000;
    /** Spawn+join pairs per operation for the thread pool, whose every pair is a thread hand-off. */
    public static final int POOL_SPAWNS = 1_000;

    private static final Runnable EMPTY = () -> { };

    /** A Weft scheduler, one per trial. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"workStealing1", "workStealing2", "fifo1", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;

        @Setup(Level.Trial)
        public void setUp() {
            fiberScheduler = SchedulerSpec.open(scheduler);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fiberScheduler.close();
        }
    }

    /** Platform thread pools with two threads (one per core here). */
    @State(Scope.Benchmark)
    public static class PoolState {
        ThreadPoolExecutor threadPool;
        ForkJoinPool forkJoinPool;

        @Setup(Level.Trial)
        public void setUp() {
            threadPool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            forkJoinPool = new ForkJoinPool(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            threadPool.shutdownNow();
            forkJoinPool.shutdownNow();
        }
    }

    /** Baseline: a virtual thread starting and joining empty virtual threads. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public Thread baselineVirtualThread() throws InterruptedException {
        Thread parent = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < SPAWNS; i++) {
                    Thread.ofVirtual().start(EMPTY).join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("benchmark interrupted", e);
            }
        });
        parent.join();
        return parent;
    }

    /** A Weft fiber starting and joining empty fibers on its own scheduler. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public Integer weft(WeftState state) throws ExecutionException, InterruptedException {
        FiberScheduler scheduler = state.fiberScheduler;
        return Fiber.builder().scheduler(scheduler).start(() -> {
            for (int i = 0; i < SPAWNS; i++) {
                Fiber.builder().scheduler(scheduler).start(EMPTY).join();
            }
            return SPAWNS;
        }).get();
    }

    /** The {@link #weft} row in a JVM with legacy locking: no held-monitor walk ({@link LegacyLockingScheduler}). */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public Integer weftLegacyLocking(LegacyLockingScheduler state) throws ExecutionException, InterruptedException {
        FiberScheduler scheduler = state.fiberScheduler();
        return Fiber.builder().scheduler(scheduler).start(() -> {
            for (int i = 0; i < SPAWNS; i++) {
                Fiber.builder().scheduler(scheduler).start(EMPTY).join();
            }
            return SPAWNS;
        }).get();
    }

    /**
     * The floor: the same {@value #SPAWNS} spawn+join pairs as raw continuations on the benchmark
     * thread (no Weft, no scheduler, no fiber state). The parent, a continuation, creates an empty
     * child continuation and suspends (its join); the driving loop runs the child to its end and
     * resumes the parent. What is left is the physical cost of creating and running a
     * continuation and of one suspension of the parent: the least a spawn+join whose joiner
     * suspends until the child has run (as a Weft fiber's does) can cost. A join that ran the
     * child in place, without suspending the joiner, would have a lower floor.
     */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public int floorRawContinuations() {
        return FloorParent.runPairs();
    }

    /**
     * {@link #floorRawContinuations} in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}),
     * the floor of the {@link #weftLegacyLocking} rows.
     */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public int floorRawContinuationsLegacyLocking() {
        return FloorParent.runPairs();
    }

    /** The parent of {@link #floorRawContinuations}; its fields are written by its own frames and by the one driving thread. */
    static final class FloorParent extends StackfulContinuation {
        static final Scope SCOPE = new Scope("bench-spawn-floor");
        private FloorChild child;

        private FloorParent() {
            super(SCOPE);
        }

        @Override
        protected void enter() {
            for (int i = 0; i < SPAWNS; i++) {
                child = new FloorChild();
                StackfulContinuation.yield(SCOPE); // the join: resumed once the child has ended
            }
        }

        /** Runs {@value #SPAWNS} pairs on the calling thread; the number of children that ended. */
        static int runPairs() {
            FloorParent parent = new FloorParent();
            parent.resume();
            int ended = 0;
            while (!parent.isFinished()) {
                FloorChild c = parent.child;
                c.resume();
                if (!c.isFinished()) {
                    throw new IllegalStateException("an empty child continuation did not end");
                }
                ended++;
                parent.resume();
            }
            if (ended != SPAWNS) {
                throw new IllegalStateException(ended + " children ended, expected " + SPAWNS);
            }
            return ended;
        }
    }

    /** An empty child continuation. */
    static final class FloorChild extends StackfulContinuation {
        private FloorChild() {
            super(FloorParent.SCOPE);
        }

        @Override
        protected void enter() {
        }
    }

    /** A Kotlin coroutine calling {@code launch { }.join()} on {@code Dispatchers.Default}. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public int kotlin() {
        return KotlinContenders.spawnJoinBatch(SPAWNS);
    }

    /** A fork/join task forking and joining empty tasks. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public Object forkJoinPool(PoolState state) {
        return state.forkJoinPool.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                for (int i = 0; i < SPAWNS; i++) {
                    new EmptyAction().fork().join();
                }
            }
        });
    }

    /** A thread-pool task submitting empty tasks to its own pool and waiting for each. */
    @Benchmark
    @OperationsPerInvocation(POOL_SPAWNS)
    public Object threadPoolExecutor(PoolState state) throws ExecutionException, InterruptedException {
        ThreadPoolExecutor pool = state.threadPool;
        return pool.submit(() -> {
            for (int i = 0; i < POOL_SPAWNS; i++) {
                pool.submit(EMPTY).get();
            }
            return POOL_SPAWNS;
        }).get();
    }

    private static final class EmptyAction extends RecursiveAction {
        @Override
        protected void compute() {
        }
    }
}
