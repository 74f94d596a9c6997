package dev.weft.bench.idle;

import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinContenders;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What does it cost to hand one empty task from an outside thread to a scheduler and wait for
 * it, when the scheduler's threads are busy-idle (no gap) or have gone to sleep (a gap of
 * {@code idleGapMicros} before each operation, outside the measured time)?
 *
 * <p>The gap shows how each scheduler waits when idle: one that parks at once pays the wake-up
 * of a sleeping core (tens of microseconds on small VMs) on every operation; one that spins for
 * a while answers fast but burns CPU while idle. The baseline is a two-thread
 * {@code ThreadPoolExecutor}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IdleWakeBench {
    private static final Runnable EMPTY = () -> { };

    /** The pause before each operation, excluded from the measurement. */
    @State(Scope.Thread)
    public static class Gap {
        @Param({"0", "1000"})
        public int idleGapMicros;

        @Setup(Level.Invocation)
        public void pause() throws InterruptedException {
            if (idleGapMicros > 0) {
                TimeUnit.MICROSECONDS.sleep(idleGapMicros);
            }
        }
    }

    /** A Weft scheduler, one per trial. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"workStealing2", "fifo2"})
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

    /** Platform thread pools with two threads. */
    @State(Scope.Benchmark)
    public static class PoolState {
        ThreadPoolExecutor threadPool;
        ForkJoinPool forkJoinPool;

        @Setup(Level.Trial)
        public void setUp() {
            threadPool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            threadPool.prestartAllCoreThreads();
            forkJoinPool = new ForkJoinPool(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            threadPool.shutdownNow();
            forkJoinPool.shutdownNow();
        }
    }

    /** Baseline: {@code submit(task).get()} on a two-thread {@code ThreadPoolExecutor}. */
    @Benchmark
    public Object baselineThreadPoolExecutor(Gap gap, PoolState state) throws ExecutionException, InterruptedException {
        return state.threadPool.submit(EMPTY).get();
    }

    /** {@code submit(task).get()} on a two-thread {@code ForkJoinPool}. */
    @Benchmark
    public Object forkJoinPool(Gap gap, PoolState state) throws ExecutionException, InterruptedException {
        return state.forkJoinPool.submit(EMPTY).get();
    }

    /** Start a Weft fiber from outside and join it. */
    @Benchmark
    public Fiber<Void> weft(Gap gap, WeftState state) throws InterruptedException {
        Fiber<Void> f = Fiber.builder().scheduler(state.fiberScheduler).start(EMPTY);
        f.join();
        return f;
    }

    /** Start a virtual thread (JDK default scheduler) and join it. */
    @Benchmark
    public Thread virtualThread(Gap gap) throws InterruptedException {
        Thread t = Thread.ofVirtual().start(EMPTY);
        t.join();
        return t;
    }

    /** {@code runBlocking(Dispatchers.Default) { }}: run an empty block on Kotlin's default dispatcher. */
    @Benchmark
    public int kotlin(Gap gap) {
        return KotlinContenders.submitAndWait();
    }
}
