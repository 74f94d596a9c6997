package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.impl.stackless.StacklessCoroutine;

/** Refused: a suspension in a static initializer. */
public class InStaticInitializer {
    static {
        StacklessCoroutine.yieldNow(); // refused
    }

    private InStaticInitializer() {
    }
}
