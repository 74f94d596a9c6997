package dev.weft.bench.affinity;

import dev.weft.fiber.Fiber;
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

import java.util.concurrent.TimeUnit;

/**
 * What does carrier affinity (a fiber always resumes on the carrier it started on) cost a yield
 * round trip on a two-carrier work-stealing scheduler?
 *
 * <p>{@code fibers} fibers (1 or 4) share {@value #YIELDS} yields per operation, normalised per
 * yield. Without affinity an idle carrier may steal a yielded fiber; with it, it may not, so
 * the comparison shows both the bookkeeping of affinity and the stealing it forbids. The
 * baseline is the same work without affinity.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AffinityBench {
    /** Yields per operation, over all fibers. */
    public static final int YIELDS = 100_000;

    /** A two-carrier work-stealing scheduler and the number of fibers sharing the yields. */
    @State(Scope.Benchmark)
    public static class SchedulerState {
        @Param({"1", "4"})
        public int fibers;
        FiberScheduler scheduler;

        @Setup(Level.Trial)
        public void setUp() {
            scheduler = Schedulers.workStealing(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scheduler.close();
        }
    }

    private static int yieldAll(SchedulerState state, boolean affinity) throws InterruptedException {
        int each = YIELDS / state.fibers;
        Fiber<?>[] running = new Fiber<?>[state.fibers];
        for (int i = 0; i < running.length; i++) {
            running[i] = Fiber.builder().scheduler(state.scheduler).carrierAffinity(affinity).start(() -> {
                for (int y = 0; y < each; y++) {
                    Fiber.yield();
                }
            });
        }
        for (Fiber<?> f : running) {
            f.join();
        }
        return each * running.length;
    }

    /** Baseline: yields without carrier affinity. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public int baselineNoAffinity(SchedulerState state) throws InterruptedException {
        return yieldAll(state, false);
    }

    /** The same yields with {@code carrierAffinity(true)}. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public int carrierAffinity(SchedulerState state) throws InterruptedException {
        return yieldAll(state, true);
    }
}
