package dev.weft.bench.generator;

import dev.weft.bench.LegacyLockingScheduler;
import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.generator.workload.SpawnTrees;
import dev.weft.fiber.FiberScheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Both backends on one Weft scheduler and one workload: skynet of {@value #LEAVES} leaves (every
 * inner node spawns {@value SpawnTrees#FAN_OUT} children and sums their results, leaf i returns
 * i; {@link SpawnTrees}) as one fiber per node ({@code stackful}) or one stackless coroutine per
 * node ({@code stackless}). No depth parameter: the suspended stacks are the tree's own, one
 * frame per node. One operation is the whole tree, checked against the closed form.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SchedulerSkynetBench {
    /** Leaves of the tree. */
    public static final int LEAVES = 1_000_000;
    /** The sum of 0 .. LEAVES-1. */
    public static final long EXPECTED = (long) LEAVES * (LEAVES - 1) / 2;

    /** {@code stackful} (fibers) or {@code stackless} (stackless coroutines). */
    @Param({"stackful", "stackless"})
    public String backend;

    /** The scheduler both run on ({@link SchedulerSpec}). */
    @Param({"workStealing1"})
    public String scheduler;

    private FiberScheduler carriers;

    /** Starts the scheduler. */
    @Setup(Level.Trial)
    public void setUp() {
        carriers = SchedulerSpec.open(scheduler);
    }

    /** Stops the scheduler. */
    @TearDown(Level.Trial)
    public void tearDown() {
        carriers.close();
    }

    /** The whole tree. */
    @Benchmark
    public long skynet() throws ExecutionException, InterruptedException {
        long sum = backend.equals("stackful") ? SpawnTrees.stackfulSkynet(carriers, LEAVES)
                : SpawnTrees.stacklessSkynet(carriers, LEAVES);
        if (sum != EXPECTED) {
            throw new IllegalStateException("skynet computed " + sum + ", expected " + EXPECTED);
        }
        return sum;
    }

    /**
     * The same tree in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}), where the
     * JVM pins a fiber that holds a monitor and the stackful side makes no held-monitor walk at a
     * suspension; the stackless side is the same code in the same fork, so the pair compares the
     * two designs without the walk.
     */
    @Benchmark
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public long skynetLegacyLocking() throws ExecutionException, InterruptedException {
        return skynet();
    }
}
