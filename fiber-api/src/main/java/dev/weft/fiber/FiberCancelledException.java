package dev.weft.fiber;

import java.util.concurrent.CancellationException;

/**
 * Thrown at a suspension point of a fiber that has been {@linkplain Fiber#cancel() cancelled},
 * so that the fiber unwinds through its {@code finally} blocks. Let it propagate: a fiber that
 * catches it and carries on is still reported as cancelled.
 */
public class FiberCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; Weft throws it, applications rarely need to.
     *
     * @param message which fiber was cancelled
     */
    public FiberCancelledException(String message) {
        super(message);
    }
}
