package dev.weft.fiber.impl.core;

import dev.weft.fiber.Fiber;

/**
 * Where the exception that ended a fiber goes: the fiber's own
 * {@link Fiber.UncaughtExceptionHandler}, else its scheduler's, else a {@code WARNING} through
 * {@link System.Logger} {@code dev.weft.fiber.uncaught} with the fiber's name and the stack.
 *
 * <h2>Failure isolation</h2>
 * The handler is user code, called on the terminating fiber's carrier before joiners are woken
 * (so a join returns only after it, and the handler must not wait for the fiber). Whatever it
 * throws stays out of the pool and out of the fiber's outcome, which remains the task's
 * exception: the handler's failure is kept as a suppressed exception of the task's, except when
 * it is that very exception (a handler that rethrows: {@code addSuppressed(self)} throws) or
 * when even that fails (no memory for the list). A failing log handler is dropped the same way.
 * A cancelled fiber's {@code FiberCancelledException} is not reported (the caller checks).
 */
final class UncaughtFailures {
    private UncaughtFailures() {
    }

    /** Reports {@code error}, which ended {@code fiber}; throws nothing. {@code own} is the fiber's handler, or null. */
    static void report(FiberImpl<?> fiber, Fiber.UncaughtExceptionHandler own, Throwable error) {
        Fiber.UncaughtExceptionHandler h = own;
        try {
            if (h == null) {
                h = fiber.scheduler().uncaughtExceptionHandler();
            }
            if (h == null) {
                System.getLogger("dev.weft.fiber.uncaught").log(System.Logger.Level.WARNING,
                        "Uncaught exception in fiber \"" + fiber.name() + "\" (#" + fiber.id() + ") on "
                                + fiber.scheduler(), error);
                return;
            }
            h.uncaughtException(fiber, error);
        } catch (Throwable handlerFailure) {
            if (handlerFailure != error) {
                try {
                    error.addSuppressed(handlerFailure);
                } catch (Throwable ignored) {
                    // nothing left to report it with
                }
            }
        }
    }
}
