package dev.weft.bench;

import dev.weft.fiber.FiberScheduler;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Weft scheduler of a {@code weftLegacyLocking} benchmark row: the same Weft code as the
 * {@code weft} row, in a fork started with {@value #JVM_FLAG}, where the JVM itself pins a fiber
 * that holds a monitor, so Weft makes no held-monitor walk at a suspension (docs/internals.md, "With
 * -XX:LockingMode=1 the JVM pins, and the walk goes"). The difference between the two rows of one
 * run is what the walk costs. Two schedulers only, to keep the quick profile short.
 */
@State(Scope.Benchmark)
public class LegacyLockingScheduler {
    /** The flag of the forks that run these rows; put on each such method's {@code @Fork(jvmArgsAppend)}. */
    public static final String JVM_FLAG = "-XX:LockingMode=1";

    @Param({"workStealing2", "fifo2"})
    public String scheduler;
    private FiberScheduler fiberScheduler;

    @Setup(Level.Trial)
    public void setUp() {
        fiberScheduler = SchedulerSpec.open(scheduler);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fiberScheduler.close();
    }

    /** The scheduler of this trial. */
    public FiberScheduler fiberScheduler() {
        return fiberScheduler;
    }
}
