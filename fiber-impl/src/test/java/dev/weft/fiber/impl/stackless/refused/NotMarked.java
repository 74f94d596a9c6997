package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Yielder;

/** Refused: a method that calls a suspendable method without being marked. */
public class NotMarked {
    void run(Yielder<Integer> y) {
        y.yield(1); // refused
    }
}
