package dev.weft.fiber.impl.exec;

import dev.weft.fiber.impl.core.FiberImpl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a task submitted to a Weft executor: {@code FutureTask}'s contract, with waiting
 * that suspends a fiber instead of blocking its carrier ({@link CompletionSignal}).
 *
 * <p><b>States</b> (CAS on {@link #state}, as in {@code FutureTask}):
 * <pre>
 *   NEW -> COMPLETING -> NORMAL        (the task returned)
 *   NEW -> COMPLETING -> EXCEPTIONAL   (the task threw)
 *   NEW -> CANCELLED                   (cancel won the race)
 * </pre>
 * {@link #result} is written between the CAS to COMPLETING and the volatile write of the final
 * state, which publishes it to every reader that reads the final state; the signal comes after,
 * so a waiter that wakes reads a final state.
 *
 * <p><b>Interrupting.</b> {@link #runner} is the strand running the task ({@code Strand.current()}:
 * the fiber in raw-fiber mode, the virtual thread otherwise). {@code run()} writes it and then
 * re-reads the state; {@code cancel(true)} writes the state and then reads the runner: with
 * volatile accesses on both sides, either the runner sees the cancel and never calls the task, or
 * the canceller sees the runner and interrupts it. Each strand runs one task and ends, so an
 * interrupt that lands after the task returned cannot reach another task (no {@code INTERRUPTING}
 * state is needed, unlike a pool thread).
 */
class TaskFuture<V> extends CompletionSignal implements RunnableFuture<V> {
    static final int NEW = 0;
    static final int COMPLETING = 1;
    static final int NORMAL = 2;
    static final int EXCEPTIONAL = 3;
    static final int CANCELLED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TaskFuture.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The task; cleared when it has run, so that a kept future does not keep it. */
    private Callable<V> callable;
    private volatile int state;
    /** The value or the Throwable; see the class comment for its publication. */
    private Object result;
    /** The strand running the task, null before and after. */
    private volatile Object runner;

    TaskFuture(Callable<V> callable) {
        this.callable = Objects.requireNonNull(callable, "task");
    }

    /** For a subclass that overrides {@link #compute()}. */
    TaskFuture() {
    }

    /** The task's work; runs once, in {@link #run()}. */
    V compute() throws Exception {
        return callable.call();
    }

    /** Fails the future with {@code error} if it has not completed (a task that could not start). */
    final void failToStart(Throwable error) {
        complete(EXCEPTIONAL, error);
    }

    @Override
    public void run() {
        if (state != NEW) {
            return;
        }
        runner = dev.weft.fiber.impl.core.Strand.current();
        try {
            if (state != NEW) {
                return; // cancelled meanwhile (see the class comment)
            }
            V v;
            try {
                v = compute();
            } catch (Throwable t) {
                complete(EXCEPTIONAL, t);
                return;
            }
            complete(NORMAL, v);
        } finally {
            callable = null;
            runner = null;
        }
    }

    private void complete(int finalState, Object r) {
        if (STATE.compareAndSet(this, NEW, COMPLETING)) {
            result = r;
            state = finalState; // volatile: publishes result (see the class comment)
            done();
            signal();
        }
    }

    /** Called once when the future completes or is cancelled, before waiters wake. */
    void done() {
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!STATE.compareAndSet(this, NEW, CANCELLED)) {
            return false;
        }
        if (mayInterruptIfRunning) {
            interrupt(runner);
        }
        done();
        signal();
        return true;
    }

    /** Interrupts a strand: a Weft fiber's own status, or a thread's. */
    static void interrupt(Object strand) {
        if (strand instanceof FiberImpl<?> f) {
            f.interrupt();
        } else if (strand instanceof Thread t) {
            t.interrupt();
        }
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state != NEW;
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        if (state <= COMPLETING) {
            awaitSignal(-1L);
        }
        return report();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        if (state <= COMPLETING && !awaitSignal(Math.max(0L, unit.toNanos(timeout)))) {
            throw new TimeoutException();
        }
        return report();
    }

    @SuppressWarnings("unchecked")
    private V report() throws ExecutionException {
        int s = state; // final: read after the signal (or seen final already)
        if (s == NORMAL) {
            return (V) result;
        }
        if (s == CANCELLED) {
            throw new CancellationException();
        }
        throw new ExecutionException((Throwable) result);
    }

    @Override
    public State state() {
        return switch (state) {
            case NEW, COMPLETING -> State.RUNNING;
            case NORMAL -> State.SUCCESS;
            case EXCEPTIONAL -> State.FAILED;
            default -> State.CANCELLED;
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public V resultNow() {
        return switch (state) {
            case NORMAL -> (V) result;
            case EXCEPTIONAL -> throw new IllegalStateException("Task completed with exception");
            case CANCELLED -> throw new IllegalStateException("Task was cancelled");
            default -> throw new IllegalStateException("Task has not completed");
        };
    }

    @Override
    public Throwable exceptionNow() {
        return switch (state) {
            case EXCEPTIONAL -> (Throwable) result;
            case NORMAL -> throw new IllegalStateException("Task completed with a result");
            case CANCELLED -> throw new IllegalStateException("Task was cancelled");
            default -> throw new IllegalStateException("Task has not completed");
        };
    }

    @Override
    public String toString() {
        String status = switch (state) {
            case NORMAL -> "[Completed normally]";
            case EXCEPTIONAL -> "[Completed exceptionally: " + result + "]";
            case CANCELLED -> "[Cancelled]";
            default -> "[Not completed]";
        };
        return super.toString() + status;
    }
}
