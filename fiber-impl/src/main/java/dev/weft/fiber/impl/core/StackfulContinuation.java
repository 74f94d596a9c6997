package dev.weft.fiber.impl.core;

import dev.weft.fiber.impl.util.CurrentThread;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The one class of Weft that touches {@code jdk.internal.vm.Continuation}: a one-shot delimited
 * continuation with its own heap-allocated stack. Everything stackful in Weft (fibers,
 * stackful generators) extends it.
 *
 * <h2>Implementation overview</h2>
 * A subclass supplies {@link #enter()}, the code that runs on the continuation's stack. The JDK
 * constructor needs its {@code Runnable} before {@code this} exists, so each {@link Scope} owns
 * one static entry runnable that looks the continuation up with
 * {@code Continuation.getCurrentContinuation} and calls {@code enter()}; no per-instance
 * runnable is allocated, which matters for the bytes retained per parked fiber.
 *
 * <p><b>Pinning.</b> When {@link #yield(Scope)} cannot unmount (a native frame or a
 * {@link #pin() critical section} on the stack), the JDK calls {@code onPinned}, whose default
 * throws. This class passes the reason to {@link #pinned(String)} instead and {@code yield}
 * returns {@code false}, so the caller can fall back to blocking its carrier (see
 * {@code FiberImpl}). This class adds no field of its own: the JDK's fields take 43 of a
 * continuation's 48 bytes, and a subclass's fields share that object (a fiber is its own
 * continuation) rather than pay a header of their own.
 *
 * <p><b>Finding the current continuation after a suspension.</b> C2 treats
 * {@code Thread.currentThread()} (and the carrier-thread read inside
 * {@code getCurrentContinuation}) as invariant within one compiled method. A frame that
 * suspended on one carrier and resumed on another can therefore still see the first carrier
 * and, from it, <em>another</em> fiber's continuation. {@link #current(Scope)} avoids that by
 * calling the lookup through a {@link MethodHandle} held in a non-final field: C2 cannot inline
 * a call through a non-constant method handle, so the lookup is always a separate compiled
 * method that reads the carrier afresh. {@code CurrentFiberMigrationTest} shows the hazard (with a
 * direct call) and the fix, under forced migration; see {@code docs/internals.md}.
 */
public abstract class StackfulContinuation extends Continuation {

    /** A named delimiter: {@link #yield(Scope)} suspends up to the innermost continuation of that scope. */
    public static final class Scope {
        final ContinuationScope jdkScope;
        final Runnable entry;

        public Scope(String name) {
            this.jdkScope = new ContinuationScope(name);
            this.entry = () -> ((StackfulContinuation) Continuation.getCurrentContinuation(jdkScope)).enter();
        }

        @Override
        public String toString() {
            return jdkScope.getName();
        }
    }

    /** A continuation that runs {@link #enter()}. */
    protected StackfulContinuation(Scope scope) {
        this(scope, null);
    }

    /**
     * A continuation whose first frame is {@code body} itself: no entry frame of ours below it,
     * which keeps a suspended continuation's stack a frame or two smaller. {@link #enter()} is
     * never called; an exception that {@code body} throws propagates out of {@link #resume()},
     * after which the continuation is finished. A null {@code body} makes the continuation run
     * {@link #enter()}, as {@link #StackfulContinuation(Scope)} does (for a subclass that decides
     * in its constructor's {@code super} call).
     */
    protected StackfulContinuation(Scope scope, Runnable body) {
        super(scope.jdkScope, body != null ? body : scope.entry);
    }

    /** The code that runs on this continuation's stack, unless a body was given to the constructor. */
    protected abstract void enter();

    /**
     * Mounts this continuation on the calling thread and runs it until it yields or ends.
     * Called by whoever drives the continuation (a carrier, a generator's caller), never from
     * inside it.
     */
    public final void resume() {
        run();
    }

    /** Whether {@link #enter()} has returned or thrown. */
    public final boolean isFinished() {
        return super.isDone();
    }

    /**
     * Suspends the innermost continuation of {@code scope} that encloses the caller.
     *
     * @return {@code true} after the continuation was resumed; {@code false} at once if it
     *         could not unmount (pinned), after {@link #pinned(String)} was told why
     * @throws IllegalStateException if the caller is not inside a continuation of {@code scope}
     */
    public static boolean yield(Scope scope) {
        return Continuation.yield(scope.jdkScope);
    }

    @Override
    protected final void onPinned(Pinned reason) {
        pinned(reason.name());
    }

    /**
     * Called inside a {@link #yield(Scope)} that cannot unmount this continuation, on its thread,
     * just before that yield returns {@code false}. The default does nothing; the JDK's default
     * would throw. A hook rather than a field, so that continuations do not pay for a rare event
     * in every instance.
     *
     * @param reason a word: {@code NATIVE}, {@code CRITICAL_SECTION}, {@code MONITOR} or {@code EXCEPTION}
     */
    protected void pinned(String reason) {
    }

    /** The frames of this continuation while it is suspended (empty when running or not started). */
    public final StackTraceElement[] stackTrace() {
        return getStackTrace();
    }

    /** Enters a critical section in which the current continuation cannot yield (nests). */
    public static void pin() {
        Continuation.pin();
    }

    /** Leaves a critical section entered with {@link #pin()}. */
    public static void unpin() {
        Continuation.unpin();
    }

    // ----------------------------------------------------------------------------------------
    // Current continuation, safe across migration

    /** Non-final on purpose: a constant method handle would be inlined, and with it the stale read. */
    private static MethodHandle currentLookup = CurrentThread.staticHandle(MethodHandles.lookup(),
            StackfulContinuation.class, "currentUninlined",
            MethodType.methodType(StackfulContinuation.class, ContinuationScope.class));

    private static StackfulContinuation currentUninlined(ContinuationScope scope) {
        return (StackfulContinuation) Continuation.getCurrentContinuation(scope);
    }

    /**
     * The innermost continuation of {@code scope} running the caller, or null. Correct even
     * when called in a compiled frame that has migrated between carriers (see the class comment).
     */
    public static StackfulContinuation current(Scope scope) {
        try {
            return (StackfulContinuation) currentLookup.invokeExact(scope.jdkScope);
        } catch (Throwable t) {
            throw new AssertionError("the current-continuation lookup cannot throw", t);
        }
    }
}
