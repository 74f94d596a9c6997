package dev.weft.fiber.impl.stackless;

import dev.weft.fiber.Yielder;

/**
 * Yields without being {@code @Suspendable}, and sits outside the packages the tests
 * transform: a suspension through it cannot be resumed, which the runtime must report.
 */
public final class UntransformedHelper {
    private UntransformedHelper() {
    }

    /** Yields 1 and 2 (only the first can suspend a stackless generator). */
    public static void yieldTwice(Yielder<Integer> y) {
        y.yield(1);
        y.yield(2);
    }
}
