package dev.weft.fiber.impl.stackless.samples;

import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Generator bodies that exercise bytecode shapes the transformer must get right: values of every
 * kind on the operand stack below a suspension call, nested suspension calls as arguments,
 * instance state, exception handlers, switches, merged reference types, default and super
 * methods, arrays, and suspendable methods returning each primitive kind. The test runs each
 * body untransformed on the stackful backend and transformed on the stackless one and compares.
 */
public final class Samples implements Supplier<Map<String, GeneratorBody<Object>>> {

    /** Used reflectively by the tests. */
    public Samples() {
    }

    @Override
    public Map<String, GeneratorBody<Object>> get() {
        Map<String, GeneratorBody<Object>> m = new LinkedHashMap<>();
        m.put("stackBelowCall", Samples::stackBelowCall);
        m.put("nestedArguments", y -> y.yield(combine(y, next(y, 1), next(y, 2), 3L, 4.5)));
        m.put("instanceState", y -> new Accumulator(10).run(y));
        m.put("handlers", Samples::handlers);
        m.put("switches", Samples::switches);
        m.put("mergedTypes", Samples::mergedTypes);
        m.put("defaultAndSuper", y -> new Derived().step(y));
        m.put("arrays", Samples::arrays);
        m.put("primitiveReturns", Samples::primitiveReturns);
        m.put("afterSynchronized", Samples::afterSynchronized);
        m.put("tryWithResources", Samples::tryWithResources);
        m.put("treeWalk", y -> walk(y, Node.balanced(1, 7)));
        m.put("bridgeMethods", y -> {
            String r = new CountingFunction().run(y);
            new PrefixStep().step(y, r);
        });
        m.put("manyArguments", y -> y.yield(many(y, 1, 2L, 3.0f, 4.0, (byte) 5, 'c', (short) 7, true, "s", new int[] {9})));
        return m;
    }

    @Suspendable
    static void stackBelowCall(Yielder<Object> y) {
        long base = 1L << 33;
        double scale = 0.5;
        long r = base + number(y, 1);
        double d = scale * 2 + number(y, 2);
        StringBuilder sb = new StringBuilder("sb:");
        sb.append(r).append(':').append(y.yield("mid")).append(':').append(d);
        int[] counts = new int[2];
        counts[(int) number(y, 0)] += (int) number(y, 3);
        y.yield(sb.toString() + " " + counts[0] + "," + counts[1]);
    }

    /** Yields {@code tag}, returns the value sent back (or the tag if none). */
    @Suspendable
    static long number(Yielder<Object> y, int tag) {
        Object sent = y.yield("number " + tag);
        return sent instanceof Number n ? n.longValue() : tag;
    }

    @Suspendable
    static int next(Yielder<Object> y, int tag) {
        return (int) number(y, tag) * 10;
    }

    @Suspendable
    static String combine(Yielder<Object> y, int a, int b, long c, double d) {
        y.yield("combine " + a + " " + b);
        return a + "/" + b + "/" + c + "/" + d;
    }

    /** Instance state and {@code this} across suspensions. */
    static final class Accumulator {
        private long total;
        private final int step;

        Accumulator(int step) {
            this.step = step;
        }

        @Suspendable
        void run(Yielder<Object> y) {
            for (int i = 0; i < 4; i++) {
                add(y, i);
            }
            y.yield("total " + total);
        }

        @Suspendable
        private void add(Yielder<Object> y, int i) {
            Object sent = y.yield("add " + i);
            total += step * i + (sent instanceof Number n ? n.intValue() : 0);
        }
    }

    @Suspendable
    static void handlers(Yielder<Object> y) {
        List<String> trail = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try {
                try {
                    y.yield("try " + i);
                    if (i == 1) {
                        throw new IllegalStateException("inner " + i);
                    }
                    trail.add("ok" + i);
                } catch (IllegalStateException e) {
                    y.yield("catch " + e.getMessage());
                    trail.add("caught" + i);
                } finally {
                    y.yield("finally " + i);
                    trail.add("finally" + i);
                }
            } catch (RuntimeException e) {
                trail.add("outer" + e);
            }
        }
        y.yield(String.join(",", trail));
    }

    @Suspendable
    static void switches(Yielder<Object> y) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            switch (i) {
                case 0, 1 -> out.append(y.yield("low " + i));
                case 2 -> out.append("two");
                case 100 -> out.append(y.yield("sparse"));
                default -> out.append(number(y, i));
            }
            String key = i % 2 == 0 ? "even" : "odd";
            switch (key) {
                case "even" -> out.append(y.yield("even " + i));
                default -> out.append('-');
            }
        }
        y.yield(out.toString());
    }

    @Suspendable
    static void mergedTypes(Yielder<Object> y) {
        for (int i = 0; i < 2; i++) {
            CharSequence cs = i == 0 ? "string" : new StringBuilder("builder");
            Number n = i == 0 ? Integer.valueOf(3) : Long.valueOf(4L);
            List<String> list = i == 0 ? new ArrayList<>() : new java.util.LinkedList<>();
            Object[] arr = i == 0 ? new String[] {"x"} : new Integer[] {1};
            CharSequence builder = i == 0 ? new StringBuilder("sb") : new StringBuffer("sbuf");
            y.yield("merged " + cs.length() + " " + builder.length());
            list.add(cs.toString());
            y.yield(cs + " " + n.longValue() + " " + list + " " + arr[0] + " " + builder);
        }
    }

    /** A suspendable default method. */
    interface Stepper {
        @Suspendable
        default void step(Yielder<Object> y) {
            y.yield("default step");
        }
    }

    /** Overrides without repeating the annotation, and calls super. */
    static class Base implements Stepper {
        @Override
        public void step(Yielder<Object> y) {
            Stepper.super.step(y);
            y.yield("base step");
        }
    }

    static final class Derived extends Base {
        @Override
        public void step(Yielder<Object> y) {
            y.yield("derived before");
            super.step(y);
            y.yield("derived after");
        }
    }

    /** Covariant return: javac adds a bridge {@code Object run(Yielder)} that calls this method. */
    static final class CountingFunction implements GeneratorFunction<Object, String> {
        @Override
        public String run(Yielder<Object> y) {
            y.yield("counting 1");
            Object sent = y.yield("counting 2");
            return "returned " + sent;
        }
    }

    /** A suspendable method of a generic interface. */
    interface Step<T> {
        @Suspendable
        void step(Yielder<Object> y, T value);
    }

    /** Implements {@code step(Yielder, Object)} through a bridge to {@code step(Yielder, String)}. */
    static final class PrefixStep implements Step<String> {
        @Override
        public void step(Yielder<Object> y, String value) {
            y.yield("step " + value);
            y.yield("step again " + value.length());
        }
    }

    /** A resource that records its closing and can fail to close. */
    record Resource(List<String> trail, String name, boolean failOnClose) implements AutoCloseable {
        @Override
        public void close() {
            trail.add("close " + name);
            if (failOnClose) {
                throw new IllegalStateException("close failed " + name);
            }
        }
    }

    @Suspendable
    static void tryWithResources(Yielder<Object> y) {
        List<String> trail = new ArrayList<>();
        try (Resource a = new Resource(trail, "a", false); Resource b = new Resource(trail, "b", true)) {
            y.yield("inside " + a.name() + b.name());
            throw new UnsupportedOperationException("body failed");
        } catch (UnsupportedOperationException e) {
            y.yield("caught " + e.getMessage() + " suppressed " + e.getSuppressed().length);
        } catch (IllegalStateException e) {
            y.yield("unexpected " + e.getMessage());
        }
        y.yield(String.join(",", trail));
    }

    /** A binary tree node (the example of docs/generators.md). */
    record Node(Node left, int value, Node right) {
        static Node balanced(int from, int to) {
            if (from > to) {
                return null;
            }
            int mid = (from + to) >>> 1;
            return new Node(balanced(from, mid - 1), mid, balanced(mid + 1, to));
        }
    }

    /** In-order walk, yielding each node's value; called from a generator body, so marked. */
    @Suspendable
    static void walk(Yielder<Object> y, Node n) {
        if (n == null) {
            return;
        }
        walk(y, n.left());
        y.yield(n.value());
        walk(y, n.right());
    }

    private static final Object LOCK = new Object();
    private static int guarded;

    /** A monitor entered and left between suspensions is fine; only holding one across a suspension is refused. */
    @Suspendable
    static void afterSynchronized(Yielder<Object> y) {
        for (int i = 0; i < 3; i++) {
            int seen;
            synchronized (LOCK) {
                guarded++;
                seen = guarded;
            }
            y.yield("after lock " + (seen > 0));
        }
        y.yield(Thread.holdsLock(LOCK));
    }

    @Suspendable
    static void arrays(Yielder<Object> y) {
        long[][] grid = new long[3][2];
        String[] names = {"a", "b", "c"};
        for (int r = 0; r < grid.length; r++) {
            for (int c = 0; c < grid[r].length; c++) {
                grid[r][c] = number(y, r * 10 + c) + names[r].length();
            }
        }
        StringBuilder sb = new StringBuilder();
        for (long[] row : grid) {
            for (long v : row) {
                sb.append(v).append(' ');
            }
        }
        y.yield(sb.toString().trim());
    }

    @Suspendable
    static void primitiveReturns(Yielder<Object> y) {
        boolean b = flag(y);
        float f = ratio(y);
        double d = precise(y);
        char c = letter(y);
        y.yield(b + " " + f + " " + d + " " + c);
    }

    @Suspendable
    static boolean flag(Yielder<Object> y) {
        return y.yield("flag") != null;
    }

    @Suspendable
    static float ratio(Yielder<Object> y) {
        Object s = y.yield("ratio");
        return s == null ? 0.25f : ((Number) s).floatValue() / 4;
    }

    @Suspendable
    static double precise(Yielder<Object> y) {
        Object s = y.yield("precise");
        return s == null ? 1e-3 : ((Number) s).doubleValue() / 3;
    }

    @Suspendable
    static char letter(Yielder<Object> y) {
        Object s = y.yield("letter");
        return s == null ? 'z' : (char) ('a' + ((Number) s).intValue());
    }

    @Suspendable
    static String many(Yielder<Object> y, int i, long l, float f, double d, byte b, char c, short s, boolean z,
                       String str, int[] arr) {
        y.yield("many");
        arr[0] += i;
        y.yield("many again");
        return i + " " + l + " " + f + " " + d + " " + b + " " + c + " " + s + " " + z + " " + str + " " + arr[0];
    }
}
