package dev.weft.bench.switching;

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
import java.util.concurrent.TimeUnit;

/**
 * What does one yield round trip cost (suspend, go back to the scheduler, get resumed)?
 *
 * <p>Every contender does {@value #YIELDS} yields in a row from inside one task, and the
 * benchmark operation is that whole batch, normalised per yield. The floor is a raw
 * continuation that yields to a plain {@code resume()} loop on the benchmark thread: no queue,
 * no scheduler. The one cross-thread hand-off per batch (starting the task and waiting for it)
 * is spread over all its yields.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class YieldBench {
    /** Yields per benchmark operation. */
    public static final int YIELDS = 100_000;

    /** A continuation that yields in a loop until told to stop. */
    static final class YieldingContinuation extends StackfulContinuation {
        static final Scope SCOPE = new Scope("bench-yield");
        long yields;
        boolean stopping;

        YieldingContinuation() {
            super(SCOPE);
        }

        @Override
        protected void enter() {
            while (!stopping) {
                yields++;
                StackfulContinuation.yield(SCOPE);
            }
        }
    }

    /** The raw continuation, driven by the benchmark thread. */
    @State(Scope.Thread)
    public static class RawState {
        YieldingContinuation continuation;

        @Setup(Level.Trial)
        public void setUp() {
            continuation = new YieldingContinuation();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            continuation.stopping = true;
            continuation.resume();
        }
    }

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

    /** Which Kotlin dispatcher runs the yielding coroutine. */
    @State(Scope.Benchmark)
    public static class KotlinState {
        @Param({"runBlocking", "Default"})
        public String dispatcher;
    }

    /** The floor: resume a raw continuation that yields straight back, {@value #YIELDS} times. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public long baselineRawContinuation(RawState state) {
        YieldingContinuation c = state.continuation;
        for (int i = 0; i < YIELDS; i++) {
            c.resume();
        }
        return c.yields;
    }

    /**
     * The floor in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}): the floor
     * of the {@link #weftLegacyLocking} rows, so that what that mode itself costs a continuation's
     * yield is in both sides of their ratio. Not named {@code baseline...}: the class keeps one
     * baseline, the default-mode floor.
     */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public long rawContinuationLegacyLocking(RawState state) {
        return baselineRawContinuation(state);
    }

    /** A Weft fiber calling {@code Fiber.yield()} in a loop on the chosen scheduler. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Integer weft(WeftState state) throws ExecutionException, InterruptedException {
        return Fiber.builder().scheduler(state.fiberScheduler).start(YieldBench::fiberYields).get();
    }

    /**
     * The {@link #weft} row in a JVM with legacy locking, where the JVM pins a fiber holding a
     * monitor and Weft skips its held-monitor walk ({@link LegacyLockingScheduler}).
     */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public Integer weftLegacyLocking(LegacyLockingScheduler state) throws ExecutionException, InterruptedException {
        return Fiber.builder().scheduler(state.fiberScheduler()).start(YieldBench::fiberYields).get();
    }

    static Integer fiberYields() {
        for (int i = 0; i < YIELDS; i++) {
            Fiber.yield();
        }
        return YIELDS;
    }

    /** A virtual thread calling {@code Thread.yield()} in a loop (JDK default scheduler). */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Thread virtualThread() throws InterruptedException {
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < YIELDS; i++) {
                Thread.yield();
            }
        });
        t.join();
        return t;
    }

    /** A Kotlin coroutine calling {@code yield()} in a loop. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public int kotlin(KotlinState state) {
        return KotlinContenders.yieldBatch(YIELDS, state.dispatcher.equals("Default"));
    }
}
