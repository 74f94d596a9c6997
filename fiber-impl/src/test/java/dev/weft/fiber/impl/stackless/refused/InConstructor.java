package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Yielder;

/** Refused: a suspension in a constructor. */
public class InConstructor {
    InConstructor(Yielder<Integer> y) {
        y.yield(1); // refused
    }
}
