package dev.weft.fiber.impl.stackless;

import dev.weft.fiber.Suspendable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A stackless coroutine: a {@link Body} rewritten by the {@link SuspendableTransformer} that
 * suspends at {@link #yieldNow()} and continues where it left off on the next {@link #run()}.
 * It is a plain {@link Runnable}, so any executor can drive it, in particular a Weft
 * {@code FiberScheduler}: {@link #start(Executor, Body)} submits it and re-submits it after
 * every {@code yieldNow}, which makes it the stackless counterpart of a fiber that calls
 * {@code Fiber.yield()}, on the same scheduler. {@link #park()} and {@link #unpark()} are the
 * counterpart of {@code Fiber.park()} and {@code Fiber.unpark()}: a parked coroutine is not
 * re-submitted until another task unparks it, so coroutines can wait for each other.
 *
 * <h2>Implementation overview</h2>
 * State ({@code NEW -> RUNNING -> SUSPENDED -> RUNNING -> ... -> DONE}) is an int changed by
 * CAS on entry to {@link #run()} (so a coroutine submitted twice by mistake fails loudly
 * instead of running on two threads) and by a release store on exit; the next
 * {@code run}'s CAS acquires it, which publishes the saved frames to whichever thread resumes.
 * When driven by an executor, the coroutine is re-submitted only after the state has been
 * released and the frame stack uninstalled, so the next carrier may start at once.
 *
 * <p><b>Parking</b> follows {@code VirtualThread}: a permit ({@code LockSupport} semantics: at
 * most one, an unpark before the park is not lost) beside the state. {@code park} returns at
 * once if it can take the permit; otherwise it suspends with a marker the driver recognises,
 * and the driver, instead of re-submitting, stores {@code PARKED} and then reads the permit.
 * {@code unpark} sets the permit and then reads the state; whichever of the two sees both
 * (the store and the read on each side are volatile, so at least one does) moves
 * {@code PARKED -> SUSPENDED} by CAS and submits the coroutine, so it is submitted exactly once.
 * The resumed {@code park} clears the permit. Transitions:
 * <pre>
 *   NEW -> RUNNING                      run() (CAS)
 *   SUSPENDED -> RUNNING                run() (CAS)
 *   RUNNING -> SUSPENDED                after yieldNow (then re-submitted)
 *   RUNNING -> PARKED                   after a park that found no permit
 *   PARKED -> SUSPENDED                 unpark, or the driver finding the permit (CAS; then submitted)
 *   RUNNING -> DONE                     the body returned or threw
 * </pre>
 */
public final class StacklessCoroutine implements Runnable {

    /** The code of a stackless coroutine. Must be rewritten by the transformer to suspend. */
    @FunctionalInterface
    public interface Body {
        /** Runs the coroutine's code; may call {@link #yieldNow()} and other {@code @Suspendable} methods. */
        @Suspendable
        void run();
    }

    private static final int NEW = 0;
    private static final int SUSPENDED = 1;
    private static final int RUNNING = 2;
    private static final int DONE = 3;
    private static final int PARKED = 4;

    /** What {@link #park()} hands the driver when it suspends, telling it not to re-submit. */
    private static final Object PARK = new Object();

    private static final VarHandle STATE;
    private static final VarHandle PERMIT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(StacklessCoroutine.class, "state", int.class);
            PERMIT = lookup.findVarHandle(StacklessCoroutine.class, "permit", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private int state;
    @SuppressWarnings("unused")
    private boolean permit;
    private final Body body;
    private final Executor executor;
    private final FrameStack stack = new FrameStack(this);
    private final CompletableFuture<Void> completion = new CompletableFuture<>();

    private StacklessCoroutine(Body body, Executor executor) {
        this.body = Objects.requireNonNull(body, "body");
        this.executor = executor;
    }

    /**
     * A coroutine driven by hand: each {@link #run()} runs it to its next {@link #yieldNow()} or its end.
     *
     * @param body the coroutine's code, in a class rewritten by the transformer
     * @return the coroutine, not yet run
     * @throws NullPointerException if {@code body} is null
     */
    public static StacklessCoroutine create(Body body) {
        return new StacklessCoroutine(body, null);
    }

    /**
     * Submits a coroutine to {@code executor}, which runs it in steps: after each
     * {@link #yieldNow()} the coroutine is submitted again.
     *
     * @param executor what runs each step
     * @param body the coroutine's code, in a class rewritten by the transformer
     * @return the coroutine; {@link #completion()} tells when it ends
     * @throws NullPointerException if {@code executor} or {@code body} is null
     */
    public static StacklessCoroutine start(Executor executor, Body body) {
        StacklessCoroutine c = new StacklessCoroutine(body, Objects.requireNonNull(executor, "executor"));
        executor.execute(c);
        return c;
    }

    /**
     * Suspends the stackless coroutine running the caller; it continues from here on its next
     * {@link #run()}.
     *
     * @throws IllegalStateException if the caller is not inside a stackless coroutine
     */
    @Suspendable
    public static void yieldNow() {
        Object owner = FrameStack.current().owner();
        if (!(owner instanceof StacklessCoroutine)) {
            throw new IllegalStateException("StacklessCoroutine.yieldNow called outside a stackless coroutine"
                    + (owner != null ? " (inside " + owner + ")" : ""));
        }
        FrameStack.suspendOrResume(owner, null);
    }

    /**
     * The stackless coroutine whose body the caller runs in.
     *
     * @return the coroutine, or null outside any (also inside a stackless generator)
     */
    public static StacklessCoroutine current() {
        return FrameStack.current().owner() instanceof StacklessCoroutine c ? c : null;
    }

    /**
     * Parks the stackless coroutine running the caller until {@link #unpark()} is called on it,
     * with {@code LockSupport} permit semantics: if it was unparked since its last park, returns
     * at once. A driven coroutine ({@link #start}) is re-submitted to its executor by the unpark;
     * one driven by hand becomes runnable again, and its driver calls {@link #run()}.
     *
     * @throws IllegalStateException if the caller is not inside a stackless coroutine
     */
    @Suspendable
    public static void park() {
        FrameStack s = FrameStack.current();
        if (!(s.owner() instanceof StacklessCoroutine c)) {
            throw new IllegalStateException("StacklessCoroutine.park called outside a stackless coroutine"
                    + (s.owner() != null ? " (inside " + s.owner() + ")" : ""));
        }
        if (s.isRestoring()) {
            // Resumed by an unpark (or by the driver finding the permit): end the restore and take
            // the permit. A volatile store, ordered before the caller's next volatile read of its
            // wait condition: otherwise an unpark that changed the condition could find the old
            // permit still set, do nothing, and then see it cleared, a lost wake-up.
            FrameStack.suspendOrResume(c, null);
            PERMIT.setVolatile(c, false);
            return;
        }
        if ((boolean) PERMIT.getAndSet(c, false)) {
            return;
        }
        FrameStack.suspendOrResume(c, PARK);
    }

    /**
     * Makes a coroutine parked in {@link #park()} runnable again (re-submitting it if it is driven
     * by an executor), or, if it is not parked, lets its next {@code park} return at once.
     * Has no effect on a coroutine that has ended. May be called from any thread.
     */
    public void unpark() {
        if (!(boolean) PERMIT.getAndSet(this, true)
                && (int) STATE.getVolatile(this) == PARKED
                && STATE.compareAndSet(this, PARKED, SUSPENDED)) {
            if (executor != null) {
                executor.execute(this);
            }
        }
    }

    /**
     * Runs the coroutine until its next {@link #yieldNow()}, {@link #park()} or its end.
     *
     * @throws IllegalStateException if it is running already, is parked or has ended
     */
    @Override
    public void run() {
        int s = (int) STATE.getAcquire(this);
        if ((s != NEW && s != SUSPENDED) || !STATE.compareAndSet(this, s, RUNNING)) {
            throw new IllegalStateException("stackless coroutine "
                    + (s == DONE ? "has ended" : s == PARKED ? "is parked" : "is already running"));
        }
        boolean suspended = false;
        FrameStack previous = stack.install(null, null);
        try {
            body.run();
            suspended = stack.endStep();
        } catch (Throwable t) {
            stack.reset();
            stack.uninstall(previous);
            STATE.setRelease(this, DONE);
            completion.completeExceptionally(t);
            return;
        }
        stack.uninstall(previous);
        if (suspended && stack.takeYielded() == PARK) {
            STATE.setVolatile(this, PARKED);
            if ((boolean) PERMIT.getVolatile(this) && STATE.compareAndSet(this, PARKED, SUSPENDED)
                    && executor != null) {
                executor.execute(this);
            }
        } else if (suspended) {
            STATE.setRelease(this, SUSPENDED);
            if (executor != null) {
                executor.execute(this);
            }
        } else {
            STATE.setRelease(this, DONE);
            completion.complete(null);
        }
    }

    /**
     * Whether the body has returned or thrown.
     *
     * @return {@code true} once the coroutine has ended
     */
    public boolean isDone() {
        return (int) STATE.getAcquire(this) == DONE;
    }

    /**
     * Completes when the body returns, or exceptionally with what it threw.
     *
     * @return the coroutine's completion (the same future on every call)
     */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    @Override
    public String toString() {
        return "StacklessCoroutine@" + Integer.toHexString(System.identityHashCode(this));
    }
}
