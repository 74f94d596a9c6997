package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

/** Refused: a suspension in a synchronized method. */
public class InSynchronizedMethod {
    @Suspendable
    synchronized void run(Yielder<Integer> y) {
        y.yield(1); // refused
    }
}
