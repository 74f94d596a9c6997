package dev.weft.fiber.impl.scope;

import dev.weft.fiber.Fiber;

/** Waits of the scope tests, bounded by {@link dev.weft.fiber.impl.Await#HANG}. */
final class ScopeWaits {
    private ScopeWaits() {
    }

    /** Until {@code fiber} is parked (in join, here). */
    static void parked(Fiber<?> fiber) {
        dev.weft.fiber.impl.Await.until(fiber + " parked", () -> fiber.state() == Fiber.State.PARKED);
    }

    /** Until {@code thread} waits (parked in join). */
    static void waiting(Thread thread) {
        dev.weft.fiber.impl.Await.until(thread + " waiting",
                () -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING);
    }
}
