package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorExhaustedException;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Yielder;
import dev.weft.fiber.impl.core.StackfulContinuation;

import java.util.Objects;

/**
 * A generator whose body runs on its own continuation, so code at any depth below the body
 * may yield.
 *
 * <h2>Implementation overview</h2>
 * The body runs inside a {@link StackfulContinuation} of the scope {@code weft-generator}.
 * {@link #resumeBody} mounts it on the calling thread (a plain thread or a fiber: the JDK nests
 * continuation scopes, so a fiber that parks inside a generator body suspends both, and the
 * generator resumes with the fiber); {@link #yield} records the value and yields that scope,
 * which returns control to {@code resumeBody}. Values and exceptions cross in plain fields: the
 * continuation runs on the same thread as its driver, one at a time, and the generator's state
 * CAS orders one driver thread's writes before the next one's reads.
 *
 * <p>{@code yield} checks that the innermost continuation of the generator scope is this
 * generator's, so a yielder used from another generator's body (which would suspend the wrong
 * generator) or from plain code fails with a clear message.
 *
 * @param <T> the type of the values yielded
 */
final class StackfulGenerator<T> extends AbstractGenerator<T> implements Yielder<T> {

    static final StackfulContinuation.Scope SCOPE = new StackfulContinuation.Scope("weft-generator");

    private final BodyContinuation continuation = new BodyContinuation();

    /** What the pending yield returns, or throws; written by the driver before resuming. */
    private Object transfer;
    private Throwable injected;

    /** What the body threw, or its result; read by the driver after the continuation ends. */
    private Throwable failure;

    StackfulGenerator(GeneratorBody<T> body, GeneratorFunction<T, ?> function) {
        super(body, function);
    }

    private final class BodyContinuation extends StackfulContinuation {
        /** Why the last yield could not unmount; set inside that yield. */
        String pinnedReason;

        BodyContinuation() {
            super(SCOPE);
        }

        @Override
        protected void pinned(String reason) {
            pinnedReason = reason;
        }

        @Override
        protected void enter() {
            try {
                bodyReturned(invokeBody(StackfulGenerator.this));
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    @Override
    boolean resumeBody(Object sent, Throwable thrown) {
        transfer = sent;
        injected = thrown;
        continuation.resume();
        if (!continuation.isFinished()) {
            return true;
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw sneaky(t);
        }
        return false;
    }

    @Override
    public Object yield(T value) {
        if (StackfulContinuation.current(SCOPE) != continuation) {
            throw new IllegalStateException("Yielder.yield called outside its own generator's body "
                    + "(from plain code, another thread, or another generator's body)");
        }
        bodyYielded(value);
        if (!StackfulContinuation.yield(SCOPE)) {
            throw new IllegalStateException("the generator cannot suspend: its stack is pinned ("
                    + continuation.pinnedReason + "); a native frame is between the body and the yield");
        }
        Throwable t = injected;
        Object v = transfer;
        injected = null;
        transfer = null;
        if (t != null) {
            throw sneaky(t);
        }
        return v;
    }

    @Override
    public Object yieldFrom(Generator<? extends T> inner) {
        Objects.requireNonNull(inner, "inner");
        T v;
        try {
            v = inner.next();
        } catch (GeneratorExhaustedException e) {
            return e.returnValue();
        }
        while (true) {
            Object sent = null;
            Throwable thrown = null;
            try {
                sent = this.yield(v);
            } catch (Throwable t) {
                thrown = t;
            }
            try {
                v = delegate(inner, sent, thrown);
            } catch (GeneratorExhaustedException e) {
                return e.returnValue();
            }
        }
    }

    @Override
    public String toString() {
        return "StackfulGenerator[" + state() + ", " + bodyObject() + "]";
    }
}
