package dev.weft.bench.generator.workload;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

import java.util.Iterator;
import java.util.function.Supplier;

/**
 * The workloads of the generator benchmarks: a producer whose values come from {@code depth}
 * frames below the consumer, written three ways. This class is rewritten by the stackless
 * transformer at build time (see the {@code stackless transform step} in
 * {@code fiber-bench/pom.xml}); the stackful backend runs the same rewritten code, which behaves
 * as the original outside a stackless coroutine.
 *
 * <p>Only this package is transformed: the benchmark classes (and the classes JMH generates for
 * them) are plain code, which the transformer would refuse for calling suspendable methods.
 */
public final class DeepBodies {
    /** The value produced; one shared object, so no benchmark measures boxing. */
    public static final Object VALUE = new Object();

    private DeepBodies() {
    }

    /**
     * A source of values for {@code backend}: {@code baselineIterator} (a plain iterator that calls
     * {@code depth} frames down for each value), {@code stackful} or {@code stackless} (an
     * endless generator whose body descends {@code depth} frames once and yields from there).
     */
    public static Supplier<Object> source(String backend, int depth) {
        return switch (backend) {
            case "baselineIterator" -> {
                Iterator<Object> it = new DeepIterator(depth);
                yield it::next;
            }
            case "stackful" -> {
                Generator<Object> g = Generators.stackful(body(depth));
                yield g::next;
            }
            case "stackless" -> {
                Generator<Object> g = Generators.stackless(body(depth));
                yield g::next;
            }
            default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
    }

    /** A generator for {@code backend} ({@code stackful} or {@code stackless}), not started. */
    public static Generator<Object> generator(String backend, int depth) {
        return switch (backend) {
            case "stackful" -> Generators.stackful(body(depth));
            case "stackless" -> Generators.stackless(body(depth));
            default -> throw new IllegalArgumentException("unknown generator backend " + backend);
        };
    }

    public static GeneratorBody<Object> body(int depth) {
        return y -> descend(y, depth);
    }

    /** Recurses to level 1, then yields forever. */
    @Suspendable
    static void descend(Yielder<Object> y, int level) {
        if (level <= 1) {
            while (true) {
                y.yield(VALUE);
            }
        }
        descend(y, level - 1);
    }

    /** The baseline: each value is computed {@code depth} calls down, with no suspension. */
    static final class DeepIterator implements Iterator<Object> {
        private final int depth;

        DeepIterator(int depth) {
            this.depth = depth;
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Object next() {
            return produce(depth);
        }

        private static Object produce(int level) {
            return level <= 1 ? VALUE : produce(level - 1);
        }
    }

    /**
     * The recursion of {@link #plainSum(int)}, marked so the transformer rewrites it. Plain code
     * may not call a suspendable method (the transformer refuses it), so this is reachable only
     * through {@link #markedSumFunction()}.
     */
    @Suspendable
    static long markedSum(int level) {
        return level <= 0 ? markedLeaf(level) : level + markedSum(level - 1);
    }

    @Suspendable
    static long markedLeaf(int level) {
        return level;
    }

    /** A recursion of {@code level + 1} calls, as javac compiled it. */
    public static long plainSum(int level) {
        return level <= 0 ? plainLeaf(level) : level + plainSum(level - 1);
    }

    static long plainLeaf(int level) {
        return level;
    }

    /**
     * The transformed recursion as a function. Plain code calls it through this
     * {@code @Suspendable} interface (as a coroutine's driver calls its body); the transformer
     * checks only the code it rewrites, and this package is the only one it rewrites.
     */
    public static SuspendableLongFunction markedSumFunction() {
        return DeepBodies::markedSum;
    }

    /** A suspendable function of an int. */
    @FunctionalInterface
    public interface SuspendableLongFunction {
        /** Applies the function; may suspend. */
        @Suspendable
        long applyAsLong(int value);
    }
}
