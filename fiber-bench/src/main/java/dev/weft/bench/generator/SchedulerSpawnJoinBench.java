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
 * Both backends on one Weft scheduler and one workload: a task, {@code depth} frames below its
 * entry, spawns an empty task and waits for it, {@value #SPAWNS} times in a row
 * ({@link SpawnTrees}), as fibers ({@code stackful}) or as stackless coroutines
 * ({@code stackless}); both join by a count and park/unpark. Reported per spawn+join pair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerSpawnJoinBench {
    /** Spawn+join pairs per operation. */
    public static final int SPAWNS = 10_000;

    /** Frames between the parent's entry and its joins. */
    @Param({"1", "100"})
    public int depth;

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

    /** One parent task running {@value #SPAWNS} spawn+join pairs. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public int spawnJoin() throws ExecutionException, InterruptedException {
        int joined = backend.equals("stackful") ? SpawnTrees.stackfulSpawnJoin(carriers, depth, SPAWNS)
                : SpawnTrees.stacklessSpawnJoin(carriers, depth, SPAWNS);
        if (joined != SPAWNS) {
            throw new IllegalStateException("joined " + joined + " children, expected " + SPAWNS);
        }
        return joined;
    }

    /**
     * The same batch in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}), where the
     * JVM pins a fiber that holds a monitor and the stackful side makes no held-monitor walk at a
     * suspension; the stackless side is the same code in the same fork, so the pair compares the
     * two designs without the walk.
     */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public int spawnJoinLegacyLocking() throws ExecutionException, InterruptedException {
        return spawnJoin();
    }
}
