package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

/** Refused: a suspension while a monitor is held. */
public class InSynchronizedBlock {
    private final Object lock = new Object();

    @Suspendable
    void run(Yielder<Integer> y) {
        synchronized (lock) {
            y.yield(1); // refused
        }
    }
}
