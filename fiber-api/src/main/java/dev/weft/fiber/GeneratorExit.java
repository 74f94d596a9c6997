package dev.weft.fiber;

import java.io.Serial;

/**
 * Thrown at a suspended {@link Yielder#yield(Object)} by {@link Generator#close()}, so the body
 * unwinds and its {@code finally} blocks run, like Python's {@code GeneratorExit}.
 *
 * <p>It is an {@link Error}, not an exception, for the reason Python makes {@code GeneratorExit}
 * a {@code BaseException}: {@code catch (Exception e)} in a body must not swallow it. A body that
 * catches it must not yield again; doing so makes {@code close()} throw.
 */
public final class GeneratorExit extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates the signal; it carries no stack trace (it is control flow, not a failure). */
    public GeneratorExit() {
        super("generator closed", null, false, false);
    }
}
