package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.impl.stackless.StacklessCoroutine;

/** Refused: a suspendable method passed as a {@link Runnable}. */
public class MethodReferenceThroughPlainInterface {
    Runnable suspender() {
        return StacklessCoroutine::yieldNow; // refused
    }
}
