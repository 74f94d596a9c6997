package dev.weft.bench.generator;

import dev.weft.bench.generator.workload.DeepBodies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;


import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Cost of one generator step (resume, run to the next yield, suspend) when the yield happens
 * {@code depth} frames below the generator's body, on each backend, against a plain
 * {@link java.util.Iterator} that calls {@code depth} frames down for each value.
 *
 * <p>What each backend pays per step: the stackful generator unmounts and remounts its
 * continuation, copying only the frames that ran since the last yield (the JDK thaws lazily),
 * so its cost should barely depend on depth; the stackless one unwinds and re-enters all
 * {@code depth} frames, saving and restoring each one's locals; the iterator makes {@code depth}
 * calls. The generators are endless and are never closed: each trial runs in its own fork.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GeneratorDepthBench {

    /** Frames between the generator body (or the iterator's next) and the yield. */
    @Param({"1", "10", "100", "1000"})
    public int depth;

    /**
     * {@code baselineIterator} (the report's baseline: the name starts with {@code baseline}),
     * {@code stackful} or {@code stackless}.
     */
    @Param({"baselineIterator", "stackful", "stackless"})
    public String backend;

    private Supplier<Object> source;

    /** Creates the source and takes one value, so the generator is started and suspended. */
    @Setup
    public void setUp() {
        source = DeepBodies.source(backend, depth);
        source.get();
    }

    /** One value from the source. */
    @Benchmark
    public Object next() {
        return source.get();
    }
}
