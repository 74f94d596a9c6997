package dev.weft.bench.generator;

import dev.weft.bench.generator.workload.DeepBodies;
import dev.weft.fiber.Generator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;

/**
 * Heap retained per suspended generator, {@code depth} frames deep, on each backend: the heap in
 * use after a full GC with {@link #count(int)} generators suspended at their first yield, minus
 * the same before they were created, divided by the count. Reported in the auxiliary counter
 * {@code bytesPerGenerator} (the time of the single shot is incidental).
 *
 * <p>100,000 generators at depth 1 and 10; fewer deeper down (10,000 at 100, 1,000 at 1,000),
 * so every trial keeps about a million frames alive and fits the forks' heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GeneratorMemoryBench {

    /** Frames between the body and the yield. */
    @Param({"1", "10", "100", "1000"})
    public int depth;

    /** {@code stackful} or {@code stackless}. */
    @Param({"stackful", "stackless"})
    public String backend;

    /** The measured value, read by JMH after each iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Retained {
        /** Bytes of heap retained per suspended generator in the last iteration. */
        public double bytesPerGenerator;
    }

    /** How many generators a trial suspends at {@code depth}. */
    static int count(int depth) {
        return depth <= 10 ? 100_000 : depth <= 100 ? 10_000 : 1_000;
    }

    /** Suspends {@link #count(int)} generators and records the heap they retain. */
    @Benchmark
    public void retained(Retained out) throws InterruptedException {
        int n = count(depth);
        Generator<?>[] generators = new Generator<?>[n];
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        for (int i = 0; i < n; i++) {
            Generator<Object> g = DeepBodies.generator(backend, depth);
            g.next();
            generators[i] = g;
        }
        long after = usedAfterGc(memory);
        Reference.reachabilityFence(generators);
        out.bytesPerGenerator = (after - before) / (double) n;
    }

    /** Heap in use after full collections have settled (two in a row that free nothing more). */
    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= previous) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
