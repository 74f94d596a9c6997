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
 * {@code Fiber.yield()}, on the same scheduler.
 *
 * <h2>Implementation overview</h2>
 * State ({@code NEW -> RUNNING -> SUSPENDED -> RUNNING -> ... -> DONE}) is an int changed by
 * CAS on entry to {@link #run()} (so a coroutine submitted twice by mistake fails loudly
 * instead of running on two threads) and by a release store on exit; the next
 * {@code run}'s CAS acquires it, which publishes the saved frames to whichever thread resumes.
 * When driven by an executor, the coroutine is re-submitted only after the state has been
 * released and the frame stack uninstalled, so the next carrier may start at once.
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

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(StacklessCoroutine.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private int state;
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
     * Runs the coroutine until its next {@link #yieldNow()} or its end.
     *
     * @throws IllegalStateException if it is running already or has ended
     */
    @Override
    public void run() {
        int s = (int) STATE.getAcquire(this);
        if ((s != NEW && s != SUSPENDED) || !STATE.compareAndSet(this, s, RUNNING)) {
            throw new IllegalStateException("stackless coroutine " + (s == DONE ? "has ended" : "is already running"));
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
        if (suspended) {
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
