package dev.weft.bench.generator;

import dev.weft.bench.generator.workload.DeepBodies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;


import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;

/**
 * What the stackless transformer costs code that never suspends: the same recursion of
 * {@code depth} calls, once as compiled ({@code baselineUntransformed}, the report's baseline) and once rewritten
 * ({@code transformed}: a thread-local read on entry to each method and a flag test after each
 * suspendable call), run on a plain thread. Both are called through a functional interface.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SuspendableOverheadBench {

    /** Calls per operation. */
    @Param({"1", "10", "100"})
    public int depth;

    private final IntToLongFunction plain = DeepBodies::plainSum;
    private final DeepBodies.SuspendableLongFunction marked = DeepBodies.markedSumFunction();

    /** The recursion as javac compiled it. */
    @Benchmark
    public long baselineUntransformed() {
        return plain.applyAsLong(depth);
    }

    /** The same recursion, rewritten by the stackless transformer. */
    @Benchmark
    public long transformed() {
        return marked.applyAsLong(depth);
    }
}
