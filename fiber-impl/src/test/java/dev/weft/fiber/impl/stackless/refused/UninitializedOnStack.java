package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

/** Refused: a suspension inside the arguments of {@code new}. */
public class UninitializedOnStack {
    @Suspendable
    Object run(Yielder<Integer> y) {
        return new StringBuilder(String.valueOf(y.yield(1))); // refused
    }
}
