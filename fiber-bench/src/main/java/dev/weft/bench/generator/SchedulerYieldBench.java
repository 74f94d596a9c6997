package dev.weft.bench.generator;

import dev.weft.bench.LegacyLockingScheduler;
import dev.weft.bench.generator.workload.YieldLoops;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.stackless.StacklessCoroutine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Both backends on one Weft scheduler and one workload: a task that descends {@code depth}
 * frames and then yields back to the scheduler {@value #YIELDS} times, as a fiber
 * ({@code stackful}: {@code Fiber.yield()}) or as a stackless coroutine ({@code stackless}:
 * {@code StacklessCoroutine.yieldNow()}, re-submitted to the scheduler after each yield).
 * Reported per yield; the one hand-off from the benchmark thread per batch is spread over it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerYieldBench {
    /** Yields per benchmark operation. */
    public static final int YIELDS = 10_000;

    /** Frames between the task's entry and its yields. */
    @Param({"1", "100"})
    public int depth;

    /** {@code stackful} (a fiber) or {@code stackless} (a stackless coroutine). */
    @Param({"stackful", "stackless"})
    public String backend;

    /** The scheduler both run on: {@code fifo1} or {@code workStealing1} (one carrier). */
    @Param({"fifo1", "workStealing1"})
    public String scheduler;

    private FiberScheduler carriers;

    /** Starts the scheduler. */
    @Setup
    public void setUp() {
        carriers = scheduler.equals("fifo1") ? Schedulers.fifo(1) : Schedulers.workStealing(1);
    }

    /** Stops the scheduler. */
    @TearDown
    public void tearDown() {
        carriers.close();
    }

    /** One task of {@value #YIELDS} yields, start to end. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Object yields() throws Exception {
        if (backend.equals("stackful")) {
            return Fiber.builder().scheduler(carriers).start(() -> descend(depth)).get();
        }
        return StacklessCoroutine.start(carriers, YieldLoops.body(depth, YIELDS)).completion().get();
    }

    /**
     * The same batch in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}), where the
     * JVM pins a fiber that holds a monitor and the stackful side makes no held-monitor walk at a
     * suspension; the stackless side is the same code in the same fork, so the pair compares the
     * two designs without the walk.
     */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public Object yieldsLegacyLocking() throws Exception {
        return yields();
    }

    private static int descend(int level) {
        if (level <= 1) {
            for (int i = 0; i < YIELDS; i++) {
                Fiber.yield();
            }
            return YIELDS;
        }
        return descend(level - 1);
    }
}
