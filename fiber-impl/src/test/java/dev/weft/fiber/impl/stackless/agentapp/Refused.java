package dev.weft.fiber.impl.stackless.agentapp;

import dev.weft.fiber.Yielder;

/** Refused by the transformer (not marked @Suspendable); the agent loads it with a throwing body. */
final class Refused {
    private Refused() {
    }

    static void run(Yielder<Integer> y) {
        y.yield(1);
    }
}
