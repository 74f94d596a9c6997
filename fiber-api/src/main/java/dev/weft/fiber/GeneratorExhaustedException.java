package dev.weft.fiber;

import java.io.Serial;
import java.util.NoSuchElementException;

/**
 * Thrown by {@link Generator#next()}, {@link Generator#send(Object)} and
 * {@link Generator#throwInto(Throwable)} when the body returns, and by every later call,
 * like Python's {@code StopIteration}. Carries the body's return value.
 *
 * <p>A body that lets this exception escape (for instance from an inner generator's
 * {@code next()}) does not end quietly: the generator rethrows it wrapped in an
 * {@link IllegalStateException}, as Python does since PEP 479, so a bug cannot silently
 * truncate an iteration.
 */
public final class GeneratorExhaustedException extends NoSuchElementException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The return value; not serialised (it need not be serialisable). */
    private final transient Object returnValue;

    /**
     * Creates the exception that ends an iteration.
     *
     * @param returnValue the body's return value, null if it returned none
     */
    public GeneratorExhaustedException(Object returnValue) {
        super("generator exhausted");
        this.returnValue = returnValue;
    }

    /**
     * The value the body returned.
     *
     * @return the return value (null for a {@link GeneratorBody})
     */
    public Object returnValue() {
        return returnValue;
    }

    /** No stack trace: this is the normal end of iteration, thrown once per generator. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
