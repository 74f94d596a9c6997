package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

import java.util.List;

/** Refused: a suspension inside a lambda of a functional interface that is not suspendable. */
public class PlainLambda {
    @Suspendable
    void run(Yielder<Integer> y, List<Integer> values) {
        values.forEach(v -> y.yield(v)); // refused
    }
}
