package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorExhaustedException;
import dev.weft.fiber.GeneratorExit;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Yielder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The generator protocol shared by both backends: states, the first-call rule, throw, close,
 * exhaustion, and the iterator and stream views. A backend supplies one operation,
 * {@link #resumeBody(Object, Throwable)}: run the body until it yields or ends.
 *
 * <h2>Implementation overview</h2>
 * <b>State machine</b> ({@code state}, an int read and CASed through a {@link VarHandle}):
 * <pre>
 *   NEW ------------ next / send(null) ---------> RUNNING
 *   NEW ------------ close / throwInto ---------> CLOSED
 *   SUSPENDED ------ next / send / throwInto ---> RUNNING
 *   SUSPENDED ------ close ----------------------> RUNNING (GeneratorExit at the yield)
 *   RUNNING -------- body yields ----------------> SUSPENDED
 *   RUNNING -------- body returns or throws -----> CLOSED
 * </pre>
 * Entering RUNNING is a CAS, so a second caller (the body calling its own generator, or another
 * thread) fails the CAS and gets "generator already executing" instead of corrupting the body.
 * Leaving RUNNING is a release store by the one caller that entered it; the next caller's CAS is
 * an acquire, so everything the body and the backend wrote while running (the value yielded,
 * saved frames, the return value) is visible to whichever thread drives the generator next.
 * No other field needs to be volatile: only the thread holding RUNNING touches them.
 *
 * <p><b>Exhaustion.</b> As in Python, the end of iteration is an exception
 * ({@link GeneratorExhaustedException}) carrying the return value, and a body that lets such an
 * exception escape is a bug reported as {@link IllegalStateException} (PEP 479), not a quiet end.
 *
 * @param <T> the type of the values yielded
 */
abstract class AbstractGenerator<T> implements Generator<T> {

    static final int NEW = 0;
    static final int SUSPENDED = 1;
    static final int RUNNING = 2;
    static final int CLOSED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AbstractGenerator.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** See the transition table above. Accessed through {@link #STATE}. */
    @SuppressWarnings("unused")
    private int state;

    /** The body, exactly one of these two non-null. */
    private final GeneratorBody<T> body;
    private final GeneratorFunction<T, ?> function;

    /** Set with {@code returned} before the release store of CLOSED. */
    private Object returnValue;
    private boolean returned;

    /** The last value yielded, set by the backend while RUNNING. */
    private T yielded;
    /** The body's return value, set by the backend when the body returns. */
    private Object bodyResult;

    AbstractGenerator(GeneratorBody<T> body, GeneratorFunction<T, ?> function) {
        if ((body == null) == (function == null)) {
            throw new IllegalArgumentException("exactly one of body and function must be given");
        }
        this.body = body;
        this.function = function;
    }

    // ----------------------------------------------------------------------------------------
    // Backend interface

    /**
     * Runs the body until it yields or ends. The first call starts the body (with
     * {@code sent == null} and {@code thrown == null}); later calls make the pending yield
     * return {@code sent}, or throw {@code thrown} if it is non-null.
     *
     * @return true if the body yielded (the value was passed to {@link #bodyYielded(Object)}),
     *         false if it returned (its result passed to {@link #bodyReturned(Object)})
     * @throws Throwable whatever the body threw
     */
    abstract boolean resumeBody(Object sent, Throwable thrown);

    /** Called by the backend, on the thread running the body, with the value being yielded. */
    final void bodyYielded(T value) {
        yielded = value;
    }

    /** Called by the backend when the body returns. */
    final void bodyReturned(Object result) {
        bodyResult = result;
    }

    /** Runs the body from its start, on behalf of a backend; returns its result (null for a {@link GeneratorBody}). */
    final Object invokeBody(Yielder<T> yielder) {
        if (function != null) {
            return function.run(yielder);
        }
        body.run(yielder);
        return null;
    }

    /** The user's body object (for diagnostics and the stackless "was it transformed" check). */
    final Object bodyObject() {
        return body != null ? body : function;
    }

    // ----------------------------------------------------------------------------------------
    // Generator

    @Override
    public final T next() {
        return advance(null, null);
    }

    @Override
    public final T send(Object value) {
        return advance(value, null);
    }

    @Override
    public final T throwInto(Throwable error) {
        Objects.requireNonNull(error, "error");
        return advance(null, error);
    }

    private T advance(Object sent, Throwable thrown) {
        while (true) {
            int s = (int) STATE.getAcquire(this);
            switch (s) {
                case RUNNING -> throw alreadyExecuting();
                case CLOSED -> {
                    if (thrown != null) {
                        throw sneaky(thrown);
                    }
                    throw new GeneratorExhaustedException(null);
                }
                case NEW -> {
                    if (sent != null) {
                        throw new IllegalStateException("can't send a non-null value to a just-started generator: "
                                + "the first call must be next() or send(null)");
                    }
                    if (thrown != null) {
                        if (STATE.compareAndSet(this, NEW, CLOSED)) {
                            throw sneaky(thrown);
                        }
                        continue;
                    }
                }
                default -> {
                }
            }
            if (STATE.compareAndSet(this, s, RUNNING)) {
                return step(sent, thrown);
            }
        }
    }

    /** Runs one step while RUNNING is held; leaves RUNNING on every path. */
    private T step(Object sent, Throwable thrown) {
        boolean yieldedAgain;
        try {
            yieldedAgain = resumeBody(sent, thrown);
        } catch (GeneratorExhaustedException e) {
            STATE.setRelease(this, CLOSED);
            throw new IllegalStateException("generator body raised GeneratorExhaustedException "
                    + "(an exhausted inner generator's next() escaped the body?)", e);
        } catch (Throwable t) {
            STATE.setRelease(this, CLOSED);
            throw t;
        }
        if (yieldedAgain) {
            T v = yielded;
            yielded = null;
            STATE.setRelease(this, SUSPENDED);
            return v;
        }
        Object r = finishReturned();
        throw new GeneratorExhaustedException(r);
    }

    private Object finishReturned() {
        Object r = bodyResult;
        bodyResult = null;
        returnValue = r;
        returned = true;
        STATE.setRelease(this, CLOSED);
        return r;
    }

    @Override
    public final void close() {
        while (true) {
            int s = (int) STATE.getAcquire(this);
            switch (s) {
                case CLOSED -> {
                    return;
                }
                case RUNNING -> throw alreadyExecuting();
                case NEW -> {
                    if (STATE.compareAndSet(this, NEW, CLOSED)) {
                        return;
                    }
                }
                default -> {
                    if (STATE.compareAndSet(this, SUSPENDED, RUNNING)) {
                        closeSuspended();
                        return;
                    }
                }
            }
        }
    }

    private void closeSuspended() {
        boolean yieldedAgain;
        try {
            yieldedAgain = resumeBody(null, new GeneratorExit());
        } catch (GeneratorExit e) {
            STATE.setRelease(this, CLOSED);
            return;
        } catch (GeneratorExhaustedException e) {
            STATE.setRelease(this, CLOSED);
            throw new IllegalStateException("generator body raised GeneratorExhaustedException while closing", e);
        } catch (Throwable t) {
            STATE.setRelease(this, CLOSED);
            throw t;
        }
        if (yieldedAgain) {
            yielded = null;
            STATE.setRelease(this, SUSPENDED);
            throw new IllegalStateException("generator ignored GeneratorExit: its body yielded while being closed");
        }
        finishReturned();
    }

    @Override
    public final State state() {
        return switch ((int) STATE.getAcquire(this)) {
            case NEW -> State.NEW;
            case SUSPENDED -> State.SUSPENDED;
            case RUNNING -> State.RUNNING;
            default -> State.CLOSED;
        };
    }

    @Override
    public final Object returnValue() {
        if ((int) STATE.getAcquire(this) != CLOSED || !returned) {
            throw new IllegalStateException("the generator has not returned (state " + state() + ")");
        }
        return returnValue;
    }

    @Override
    public final Iterator<T> iterator() {
        return new GeneratorIterator<>(this);
    }

    @Override
    public final Stream<T> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED),
                false).onClose(this::close);
    }

    private static IllegalStateException alreadyExecuting() {
        return new IllegalStateException("generator already executing");
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /**
     * One step of delegation for {@code yieldFrom}, as in PEP 380: forwards what this generator
     * was resumed with to {@code inner} and returns the next value {@code inner} yields.
     *
     * @throws GeneratorExhaustedException when {@code inner} returns (carrying its value)
     * @throws GeneratorExit after closing {@code inner}, if {@code thrown} is a GeneratorExit
     */
    static <T> T delegate(Generator<? extends T> inner, Object sent, Throwable thrown) {
        if (thrown instanceof GeneratorExit exit) {
            inner.close();
            throw exit;
        }
        if (thrown != null) {
            return inner.throwInto(thrown);
        }
        return sent == null ? inner.next() : inner.send(sent);
    }

    /** The lazy iterator view: looks one value ahead, only when asked. */
    private static final class GeneratorIterator<T> implements Iterator<T> {
        private final Generator<T> generator;
        private T buffered;
        private boolean hasBuffered;
        private boolean done;

        GeneratorIterator(Generator<T> generator) {
            this.generator = generator;
        }

        @Override
        public boolean hasNext() {
            if (hasBuffered) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                buffered = generator.next();
                hasBuffered = true;
            } catch (GeneratorExhaustedException e) {
                done = true;
            }
            return hasBuffered;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("generator exhausted");
            }
            T v = buffered;
            buffered = null;
            hasBuffered = false;
            return v;
        }
    }
}
