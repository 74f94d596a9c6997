package dev.weft.bench.generator;

import dev.weft.bench.LegacyLockingScheduler;
import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.generator.workload.TokenRings;
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
 * Both backends on one Weft scheduler and one workload: a ring of {@value #SIZE} parked tasks
 * passing a token ({@link TokenRings}), each parking {@code depth} frames below its entry, as
 * fibers ({@code stackful}: {@code Fiber.park}/{@code unpark}) or as stackless coroutines
 * ({@code stackless}: {@code StacklessCoroutine.park}/{@code unpark}). One operation is
 * {@value #HOPS} hops, reported per hop (an unpark of the next member and a park of the current
 * one); RingBench's {@code weft} row is the same protocol at depth 1.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerRingBench {
    /** Members of the ring. */
    public static final int SIZE = 1_000;
    /** Token hops per benchmark operation. */
    public static final int HOPS = 100_000;

    /** Frames between a member's entry and its park. */
    @Param({"1", "100"})
    public int depth;

    /** {@code stackful} (fibers) or {@code stackless} (stackless coroutines). */
    @Param({"stackful", "stackless"})
    public String backend;

    /** The scheduler both run on ({@link SchedulerSpec}). */
    @Param({"workStealing1"})
    public String scheduler;

    private FiberScheduler carriers;
    private TokenRings ring;

    /** Starts the scheduler and the ring. */
    @Setup(Level.Trial)
    public void setUp() {
        carriers = SchedulerSpec.open(scheduler);
        ring = backend.equals("stackful") ? TokenRings.stackful(SIZE, depth, carriers)
                : TokenRings.stackless(SIZE, depth, carriers);
        ring.start();
    }

    /** Stops the ring and the scheduler. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException, ExecutionException {
        ring.stop();
        carriers.close();
    }

    /** {@value #HOPS} hops around the ring. */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public long hops() throws InterruptedException {
        long made = ring.pass(HOPS);
        if (made != HOPS) {
            throw new IllegalStateException("the ring made " + made + " hops, expected " + HOPS);
        }
        return made;
    }

    /**
     * The same batch in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}), where the
     * JVM pins a fiber that holds a monitor and the stackful side makes no held-monitor walk at a
     * suspension; the stackless side is the same code in the same fork, so the pair compares the
     * two designs without the walk.
     */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public long hopsLegacyLocking() throws InterruptedException {
        return hops();
    }
}
