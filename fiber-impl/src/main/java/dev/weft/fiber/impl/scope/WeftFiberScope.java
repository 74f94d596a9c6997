package dev.weft.fiber.impl.scope;

import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.impl.exec.FiberLocals;
import dev.weft.fiber.impl.exec.VirtualThreadBuilders;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link FiberScope}: a set of subtask strands (Weft fibers or virtual threads) owned by the
 * strand that opened it.
 *
 * <p><b>State.</b> {@link #live} counts subtask strands started and not ended; {@link #active}
 * holds the subtasks whose strand has not ended, for cancellation. {@link #cancelled} is set
 * once (volatile). The owner-only fields ({@link #forked}, {@link #joined}, {@link #closed}) are
 * plain: every method that touches them checks the owner first.
 *
 * <p><b>The owner's wait</b> (in {@code join} and {@code close}) is a park loop on "no live
 * subtask, or cancelled" (join) or "no live subtask" (close). The owner writes {@link #waiting}
 * before it checks; a subtask that ends, or a canceller, changes the condition and then reads
 * {@code waiting}, and unparks the owner if set: no lost wake-up (volatile on both sides), and no
 * stray permit given to an owner that is not waiting here. {@code close} then waits for each
 * strand in {@link #ending} to be done, since a body's end is not yet its strand's end.
 *
 * <p><b>Cancellation of a subtask</b> must not cancel a Weft fiber whose body has not begun:
 * such a fiber ends without running it, and the subtask's bookkeeping (which runs in the body)
 * would never happen. So a subtask marks itself {@code started} and then reads
 * {@code cancelled}; {@link #cancel()} writes {@code cancelled} and then cancels only started
 * subtasks: a subtask that starts later sees the flag and skips its task. Virtual threads are
 * interrupted instead (the JDK's scope does the same to its threads).
 *
 * <p>No {@code synchronized} and no {@code java.util.concurrent} lock: the owner parks in here.
 */
final class WeftFiberScope<T, R> implements FiberScope<T, R> {

    private final FiberScope.Joiner<? super T, ? extends R> joiner;
    private final Object owner;
    private final FiberScheduler scheduler;
    /** Non-null in the virtual-thread mode. */
    private final ThreadFactory virtualThreads;
    private final String name;
    /** Deadline of join on the owner's clock ({@link Strand#nanoTime}), if {@link #timed}. */
    private final long deadline;
    private final boolean timed;

    private volatile boolean cancelled;
    private final AtomicInteger live = new AtomicInteger();
    private final Set<SubtaskImpl<?>> active = ConcurrentHashMap.newKeySet();
    /** Failures the joiner saw, for the suppressed exceptions of a failed join. */
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    /**
     * Strands whose subtask body has ended but which may still be finishing (a virtual thread's
     * exit, a fiber's termination): {@code close} waits for each to be done, so that no child
     * strand outlives the scope (as the JDK's scope waits for its threads). Added before the
     * decrement of {@link #live}, so a {@code close} that sees zero sees every one.
     */
    private final Queue<Object> ending = new ConcurrentLinkedQueue<>();
    private volatile boolean waiting;
    private int forks;

    // owner only
    private boolean forked;
    private boolean joined;
    private boolean closed;

    WeftFiberScope(FiberScope.Joiner<? super T, ? extends R> joiner, FiberScope.Configuration config,
                   FiberScheduler defaultScheduler) {
        this.joiner = Objects.requireNonNull(joiner, "joiner");
        this.owner = Strand.current();
        this.scheduler = config.scheduler() != null ? config.scheduler() : defaultScheduler;
        this.virtualThreads = config.virtualThreads() ? VirtualThreadBuilders.builderOn(scheduler).factory() : null;
        this.name = config.name();
        Duration timeout = config.timeout();
        this.timed = timeout != null;
        long nanos = timed ? saturatedNanos(timeout) : 0L;
        this.deadline = Strand.nanoTime(owner) + nanos;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE >>> 2;
        }
    }

    private void checkOwner() {
        if (Strand.current() != owner) {
            throw new WrongThreadException("only the owner of " + this + " may do that; owner: " + Strand.describe(owner));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Fork

    @Override
    public <U extends T> Subtask<U> fork(Callable<? extends U> task) {
        Objects.requireNonNull(task, "task");
        checkOwner();
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (joined) {
            throw new IllegalStateException("fork after join in " + this);
        }
        SubtaskImpl<U> subtask = new SubtaskImpl<>(task);
        forked = true;
        if (joiner.onFork(subtask)) {
            cancel();
        }
        if (cancelled) {
            return subtask; // never runs: UNAVAILABLE, as in the JDK's scope
        }
        live.incrementAndGet();
        active.add(subtask);
        try {
            String subtaskName = name != null ? name + "-" + (forks++) : null;
            if (virtualThreads != null) {
                Thread t = virtualThreads.newThread(subtask);
                if (t == null) {
                    throw new RejectedExecutionException("the virtual-thread factory returned null");
                }
                if (subtaskName != null) {
                    t.setName(subtaskName);
                }
                subtask.strand = t;
                t.start();
            } else {
                FiberImpl<Void> f = FiberLocals.inherit(new FiberImpl<Void>(subtask, subtaskName, scheduler, REPORT_UNCAUGHT, false));
                subtask.strand = f;
                f.start();
            }
        } catch (RuntimeException | Error e) {
            strandEnded(subtask, false); // never started: nothing to wait for
            throw e;
        }
        return subtask;
    }

    @Override
    public <U extends T> Subtask<U> fork(Runnable task) {
        Objects.requireNonNull(task, "task");
        return fork(() -> {
            task.run();
            return null;
        });
    }

    /** A raw subtask fiber hands what a joiner's {@code onComplete} threw to the default handler. */
    private static final dev.weft.fiber.Fiber.UncaughtExceptionHandler REPORT_UNCAUGHT = (fiber, error) -> {
        Thread.UncaughtExceptionHandler h = Thread.getDefaultUncaughtExceptionHandler();
        if (h != null) {
            h.uncaughtException(Thread.currentThread(), error);
        } else {
            System.err.print("Exception in " + fiber + " ");
            error.printStackTrace();
        }
    };

    private void strandEnded(SubtaskImpl<?> subtask, boolean ran) {
        active.remove(subtask);
        if (ran) {
            ending.add(subtask.strand);
        }
        if (live.decrementAndGet() == 0) {
            wakeOwner();
        }
    }

    private void wakeOwner() {
        if (waiting) {
            Strand.unpark(owner);
        }
    }

    // ----------------------------------------------------------------------------------------
    // Cancel, join, close

    /** Cancels the scope: see the class comment. Callable from anywhere, idempotent. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (SubtaskImpl<?> s : active) {
            if (s.started) {
                Object strand = s.strand;
                if (strand instanceof FiberImpl<?> f) {
                    f.cancel();
                } else if (strand instanceof Thread t) {
                    t.interrupt();
                }
            }
        }
        wakeOwner();
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public R join() throws InterruptedException {
        checkOwner();
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (joined) {
            throw new IllegalStateException(this + " was already joined");
        }
        joined = true;
        boolean timedOut = false;
        waiting = true;
        try {
            for (;;) {
                if (live.get() == 0 || cancelled) {
                    break;
                }
                if (Strand.interrupted(owner)) {
                    throw new InterruptedException();
                }
                long wait = 0L;
                if (timed) {
                    wait = deadline - Strand.nanoTime(owner);
                    if (wait <= 0) {
                        timedOut = true;
                        break;
                    }
                }
                Strand.park(owner, wait, this);
            }
        } catch (InterruptedException | FiberCancelledException e) {
            cancel(); // the owner is interrupted or cancelled: so are its subtasks
            throw e;
        } finally {
            waiting = false;
        }
        if (timedOut) {
            cancel();
            throw new FiberScope.TimeoutException(this + " timed out");
        }
        try {
            return joiner.result();
        } catch (Throwable t) {
            FiberScope.FailedException failed = new FiberScope.FailedException(t);
            for (Throwable other : failures) {
                if (other != t) {
                    failed.addSuppressed(other);
                }
            }
            throw failed;
        }
    }

    @Override
    public void close() {
        checkOwner();
        if (closed) {
            return;
        }
        closed = true;
        cancel();
        boolean interrupted = false;
        boolean ownerCancelled = false;
        waiting = true;
        try {
            while (live.get() != 0) {
                if (ownerCancelled) {
                    // A cancelled fiber cannot suspend: wait on its carrier, briefly, since
                    // every subtask has been cancelled. (Its carrier may be interrupted in
                    // every mount of a cancelled fiber, so parkNanos may return at once.)
                    Thread.yield();
                    LockSupport.parkNanos(this, 50_000L);
                    continue;
                }
                try {
                    Strand.park(owner, 0L, this);
                } catch (FiberCancelledException e) {
                    ownerCancelled = true;
                }
                if (Strand.interrupted(owner)) {
                    interrupted = true; // keep waiting: children must not outlive the scope
                }
            }
            // Every body has ended; now wait for the strands themselves to be done. Each is in
            // its last steps (no user code runs), so these waits are short.
            for (Object strand; (strand = ending.poll()) != null; ) {
                for (;;) {
                    if (strand instanceof FiberImpl<?> f ? f.isDone() : !((Thread) strand).isAlive()) {
                        break;
                    }
                    try {
                        if (ownerCancelled) {
                            Thread.yield(); // a cancelled fiber cannot suspend: as above
                            LockSupport.parkNanos(this, 50_000L);
                        } else if (strand instanceof FiberImpl<?> f) {
                            f.join(); // suspends a fiber owner, blocks a thread owner
                        } else if (!(owner instanceof FiberImpl<?>)) {
                            ((Thread) strand).join();
                        } else {
                            // A raw-fiber owner must not block its carrier on a virtual thread
                            // (with one carrier, the thread could never finish): yield the fiber.
                            dev.weft.fiber.Fiber.yield();
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (FiberCancelledException e) {
                        ownerCancelled = true;
                    }
                }
            }
        } finally {
            waiting = false;
        }
        if (interrupted) {
            Strand.reinterrupt(owner);
        }
        if (forked && !joined) {
            throw new IllegalStateException("the owner of " + this + " forked subtasks and did not join");
        }
    }

    @Override
    public String toString() {
        return "FiberScope@" + Integer.toHexString(hashCode()) + (name != null ? "[" + name + "]" : "")
                + (cancelled ? "[cancelled]" : "") + "[live " + live.get() + "]";
    }

    // ----------------------------------------------------------------------------------------
    // Subtasks

    /**
     * One subtask, and the body of its strand. {@code state} is volatile and written after
     * {@code result}/{@code exception}, which it publishes.
     */
    private final class SubtaskImpl<U extends T> implements Subtask<U>, Runnable {
        private final Callable<? extends U> task;
        private volatile State state = State.UNAVAILABLE;
        private U result;
        private Throwable exception;
        /** The fiber or thread, set by the owner before it starts. */
        volatile Object strand;
        volatile boolean started;

        SubtaskImpl(Callable<? extends U> task) {
            this.task = task;
        }

        @Override
        public void run() {
            started = true; // then read cancelled: see the class comment
            try {
                if (cancelled) {
                    return;
                }
                U value = null;
                Throwable failure = null;
                try {
                    value = task.call();
                } catch (Throwable t) {
                    failure = t;
                }
                if (cancelled) {
                    return; // completed after the cancellation: UNAVAILABLE, not seen by the joiner
                }
                if (failure == null) {
                    result = value;
                    state = State.SUCCESS;
                } else {
                    exception = failure;
                    state = State.FAILED;
                    failures.add(failure);
                }
                if (joiner.onComplete(this)) {
                    cancel();
                }
            } finally {
                strandEnded(this, true);
            }
        }

        @Override
        public State state() {
            return state;
        }

        private void checkJoined() {
            if (Strand.current() == owner && !joined) {
                throw new IllegalStateException("the owner must join before it reads a subtask's outcome");
            }
        }

        @Override
        public U get() {
            checkJoined();
            if (state != State.SUCCESS) {
                throw new IllegalStateException("subtask did not succeed: " + state);
            }
            return result;
        }

        @Override
        public Throwable exception() {
            checkJoined();
            if (state != State.FAILED) {
                throw new IllegalStateException("subtask did not fail: " + state);
            }
            return exception;
        }

        @Override
        public String toString() {
            return "Subtask[" + state + "]";
        }
    }
}
