package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorExhaustedException;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Yielder;
import dev.weft.fiber.impl.stackless.FrameStack;

import java.util.Objects;

/**
 * A generator whose body was rewritten by the stackless transformer: it suspends by unwinding
 * into its {@link FrameStack} and resumes by re-entering its frames (see {@code FrameStack} for
 * the frame strategy).
 *
 * <h2>Implementation overview</h2>
 * {@link #resumeBody} installs the generator's frame stack on the calling thread and calls the
 * body; the body returns either because it ended or because a yield started unwinding, which
 * {@link FrameStack#endStep()} tells apart. {@link #yield} and {@link #yieldFrom} are the
 * hand-written innermost frames: not resuming, they record what to hand out and start the
 * unwinding; resuming, they end the restore and return the value sent in (or throw the one
 * injected). {@code yieldFrom} keeps the inner generator in its own saved record, so every
 * resume re-enters it with the inner generator and forwards one step (PEP 380 semantics in
 * {@link AbstractGenerator#delegate}).
 *
 * <p>The stack is used only by the thread that holds the generator's RUNNING state; see
 * {@link AbstractGenerator} for how it passes between threads.
 *
 * @param <T> the type of the values yielded
 */
final class StacklessGenerator<T> extends AbstractGenerator<T> implements Yielder<T> {

    /** Record id of the {@link #yieldFrom} frame (distinct from every transformed method's id by construction of the check). */
    private static final int YIELD_FROM_ID = 0x5EED_0002;

    private final FrameStack stack = new FrameStack(this);

    StacklessGenerator(GeneratorBody<T> body, GeneratorFunction<T, ?> function) {
        super(body, function);
    }

    @Override
    boolean resumeBody(Object sent, Throwable thrown) {
        FrameStack previous = stack.install(sent, thrown);
        try {
            Object result = invokeBody(this);
            if (stack.endStep()) {
                @SuppressWarnings("unchecked")
                T v = (T) stack.takeYielded();
                bodyYielded(v);
                return true;
            }
            bodyReturned(result);
            return false;
        } catch (Throwable t) {
            stack.reset();
            throw t;
        } finally {
            stack.uninstall(previous);
        }
    }

    @Override
    public Object yield(T value) {
        return FrameStack.suspendOrResume(this, value);
    }

    @Override
    public Object yieldFrom(Generator<? extends T> inner) {
        FrameStack s = FrameStack.checkCurrent(this);
        Generator<? extends T> g;
        T v;
        if (s.isRestoring()) {
            s.popFrame(YIELD_FROM_ID);
            @SuppressWarnings("unchecked")
            Generator<? extends T> saved = (Generator<? extends T>) s.popRef();
            g = saved;
            Object sent;
            Throwable thrown = null;
            try {
                sent = s.finishRestore();
            } catch (Throwable t) {
                sent = null;
                thrown = t;
            }
            try {
                v = delegate(g, sent, thrown);
            } catch (GeneratorExhaustedException e) {
                return e.returnValue();
            }
        } else {
            g = Objects.requireNonNull(inner, "inner");
            try {
                v = g.next();
            } catch (GeneratorExhaustedException e) {
                return e.returnValue();
            }
        }
        FrameStack.pushRef(g, s);
        s.pushFrame(YIELD_FROM_ID, 0);
        s.beginSuspend(v);
        return null;
    }

    @Override
    public String toString() {
        return "StacklessGenerator[" + state() + ", " + bodyObject() + "]";
    }
}
