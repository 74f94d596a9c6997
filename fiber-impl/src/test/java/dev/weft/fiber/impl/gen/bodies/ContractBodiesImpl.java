package dev.weft.fiber.impl.gen.bodies;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorExit;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;
import dev.weft.fiber.impl.gen.ContractBodies;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bodies for the generator contract test; see {@link ContractBodies}. Helpers are
 * {@code @Suspendable} so the stackless transformer can rewrite them; the stackful backend
 * ignores the annotation.
 */
public final class ContractBodiesImpl implements ContractBodies {

    /** Used reflectively by the tests. */
    public ContractBodiesImpl() {
    }

    @Override
    public GeneratorFunction<Integer, String> counter(int n) {
        return y -> {
            for (int i = 0; i < n; i++) {
                y.yield(i);
            }
            return "done";
        };
    }

    @Override
    public GeneratorBody<String> echo() {
        return y -> {
            Object received = y.yield("ready");
            while (true) {
                received = y.yield("got " + received);
            }
        };
    }

    @Override
    public GeneratorBody<Object> catching(List<String> log) {
        return y -> {
            try {
                y.yield(1);
            } catch (IllegalArgumentException e) {
                log.add("caught " + e.getMessage());
                y.yield("caught " + e.getMessage());
            }
            y.yield(3);
        };
    }

    @Override
    public GeneratorBody<Integer> withFinally(List<String> log) {
        return y -> {
            try {
                y.yield(1);
                y.yield(2);
            } finally {
                log.add("finally");
            }
        };
    }

    @Override
    public GeneratorBody<Integer> ignoresExit() {
        return y -> {
            try {
                y.yield(1);
            } catch (GeneratorExit e) {
                y.yield(2);
            }
        };
    }

    @Override
    public GeneratorFunction<Integer, String> returnsOnExit(List<String> log) {
        return y -> {
            try {
                y.yield(1);
            } catch (GeneratorExit e) {
                log.add("exit");
                return "cleaned";
            }
            return "normal";
        };
    }

    @Override
    public GeneratorBody<Integer> throwsAfter(int n) {
        return y -> {
            for (int i = 0; i < n; i++) {
                y.yield(i);
            }
            throw new IllegalStateException("boom");
        };
    }

    @Override
    public GeneratorBody<Object> delegating(Supplier<Generator<Object>> inner, List<String> log) {
        return y -> {
            try {
                Object r = y.yieldFrom(inner.get());
                y.yield("inner returned " + r);
            } finally {
                log.add("outer finally");
            }
        };
    }

    @Override
    public GeneratorFunction<Object, String> inner(List<String> log) {
        return y -> {
            try {
                Object received = y.yield("a");
                while (!"stop".equals(received)) {
                    try {
                        received = y.yield("inner got " + received);
                    } catch (IllegalArgumentException e) {
                        received = y.yield("inner caught " + e.getMessage());
                    }
                }
                return "inner-result";
            } finally {
                log.add("inner finally");
            }
        };
    }

    @Override
    public GeneratorBody<Integer> reentrant(Supplier<Generator<Integer>> self) {
        return y -> {
            y.yield(1);
            self.get().next();
        };
    }

    @Override
    public GeneratorBody<Long> deep(int depth) {
        return y -> {
            long total = descend(y, depth, depth);
            y.yield(-total);
        };
    }

    /** Returns the sum of levels 1..level after yielding at the bottom and at every 100th level. */
    @Suspendable
    static long descend(Yielder<Long> y, int level, int depth) {
        if (level == 0) {
            Object sent = y.yield((long) depth);
            return sent == null ? 0 : ((Number) sent).longValue();
        }
        long below = descend(y, level - 1, depth);
        long sum = below + level;
        if (level % 100 == 0) {
            y.yield(sum);
        }
        return sum;
    }

    @Override
    public GeneratorBody<Integer> infinite(List<String> log) {
        return y -> {
            try {
                for (int i = 0; ; i++) {
                    log.add("produce " + i);
                    y.yield(i);
                }
            } finally {
                log.add("closed");
            }
        };
    }

    @Override
    public GeneratorBody<String> mixedLocals() {
        return y -> {
            int i = 7;
            long l = 1L << 40;
            float f = 1.5f;
            double d = 2.25;
            String s = "s";
            int[] arr = {1, 2, 3};
            Object nothing = null;
            char c = 'x';
            boolean flag = true;
            for (int round = 0; round < 3; round++) {
                y.yield(summary(i, l, f, d, s, arr, nothing, c, flag));
                i++;
                l <<= 1;
                f *= 2;
                d *= 2;
                s = s + round;
                arr[round] *= 10;
                c++;
                flag = !flag;
            }
            y.yield(summary(i, l, f, d, s, arr, nothing, c, flag));
        };
    }

    private static String summary(int i, long l, float f, double d, String s, int[] arr, Object nothing, char c,
                                  boolean flag) {
        return i + " " + l + " " + f + " " + d + " " + s + " " + Arrays.toString(arr) + " " + nothing + " " + c + " " + flag;
    }

    @Override
    public GeneratorBody<String> nestedCatch() {
        return y -> {
            String r = middle(y, "m");
            y.yield("after " + r);
        };
    }

    @Suspendable
    static String middle(Yielder<String> y, String tag) {
        return tag + ":" + bottom(y, 2);
    }

    @Suspendable
    static String bottom(Yielder<String> y, int times) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < times; k++) {
            try {
                y.yield("bottom " + k);
                b.append("ok").append(k);
            } catch (UnsupportedOperationException e) {
                b.append("caught").append(k);
                y.yield("recovered " + k);
            }
        }
        return b.toString();
    }

    @Override
    public GeneratorBody<Integer> blocking(CountDownLatch entered, CountDownLatch release) {
        return y -> {
            y.yield(1);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            y.yield(2);
        };
    }

    @Override
    public GeneratorBody<Integer> callsExhausted(Supplier<Generator<Integer>> exhausted) {
        return y -> {
            y.yield(exhausted.get().next());
        };
    }

    @Override
    public GeneratorBody<Object> catchesChecked() {
        return y -> {
            try {
                y.yield(1);
            } catch (Exception e) {
                y.yield("caught " + e.getClass().getSimpleName());
            }
        };
    }

    @Override
    public GeneratorBody<Integer> wrongYielder(Function<GeneratorBody<Integer>, Generator<Integer>> factory) {
        return outer -> {
            Generator<Integer> inner = factory.apply(innerYielder -> outer.yield(5));
            outer.yield(inner.next());
        };
    }
}
