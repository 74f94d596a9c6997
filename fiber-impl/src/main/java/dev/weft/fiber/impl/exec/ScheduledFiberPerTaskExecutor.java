package dev.weft.fiber.impl.exec;

import dev.weft.fiber.impl.core.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} in which every scheduled task is a strand of its own that
 * waits for its time: the strand parks (a fiber suspends, a virtual thread unmounts), so waiting
 * costs no carrier and there is no shared delay queue or timer thread; Weft's timer wakes the
 * fibers, the JDK's the virtual threads.
 *
 * <p>Policies are {@code ScheduledThreadPoolExecutor}'s defaults: after {@code shutdown()},
 * delayed one-shot tasks still run and periodic ones are cancelled; a periodic task that throws
 * is not run again and its future fails with the exception; {@code shutdownNow()} returns the
 * tasks still waiting for their time (and, unlike the JDK's, cancels them, so that their
 * {@code get} does not wait forever).
 *
 * <p><b>Phases of a {@link DelayedTask}</b> ({@code phase}, CAS): {@code WAITING -> RUNNING}
 * (its time came, by its own strand) and {@code WAITING -> DROPPED} (by {@code shutdownNow}); a
 * periodic task goes back to {@code WAITING} after each run. Exactly one of the runner and
 * {@code shutdownNow} wins a waiting task, so it is either run or returned, never both.
 */
final class ScheduledFiberPerTaskExecutor extends FiberPerTaskExecutor implements ScheduledExecutorService {

    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int DROPPED = 2;

    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(DelayedTask.class, "phase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Tasks scheduled and not finished, for the shutdown policies. */
    private final Set<DelayedTask<?>> scheduled = ConcurrentHashMap.newKeySet();

    ScheduledFiberPerTaskExecutor(Mode mode) {
        super(mode, Integer.MAX_VALUE);
    }

    /**
     * One scheduled task. {@code period}: 0 one-shot, positive fixed rate, negative fixed delay
     * (as in {@code ScheduledThreadPoolExecutor}).
     */
    final class DelayedTask<V> extends TaskFuture<V> implements RunnableScheduledFuture<V> {
        private final Callable<V> callable;
        private final long period;
        /** The next time it is due, in the terms of {@code mode.nanoTime()} (the clock its strand waits by). */
        private volatile long time;
        volatile int phase;
        /** Its strand while it waits, for the wake-up of a cancel or {@code shutdownNow}. */
        private volatile Object waiter;

        DelayedTask(Callable<V> callable, long time, long period) {
            this.callable = callable;
            this.time = time;
            this.period = period;
        }

        @Override
        V compute() throws Exception {
            try {
                for (;;) {
                    if (!awaitTime()) {
                        return null; // cancelled or dropped: the future is already complete
                    }
                    if (period == 0) {
                        return callable.call();
                    }
                    callable.call(); // a throw ends the task: the future fails, no further runs
                    time = period > 0 ? time + period : mode.nanoTime() - period;
                    phase = WAITING; // volatile: then shutdown()'s cancel is seen below, or it sees WAITING
                    if (isShutdown()) {
                        cancel(false);
                        return null;
                    }
                }
            } finally {
                scheduled.remove(this);
            }
        }

        /** Parks until due; true if this strand won the task (WAITING -> RUNNING). */
        private boolean awaitTime() {
            Object self = Strand.current();
            waiter = self;
            try {
                for (;;) {
                    if (isDone() || phase != WAITING) {
                        return false;
                    }
                    long delay = time - mode.nanoTime();
                    if (delay <= 0) {
                        return PHASE.compareAndSet(this, WAITING, RUNNING);
                    }
                    Strand.park(self, delay, this);
                    // Only cancel(true) and shutdownNow interrupt a waiting task; both also end
                    // the wait through the checks above, so the status is consumed here.
                    Strand.interrupted(self);
                }
            } finally {
                waiter = null;
            }
        }

        /** For {@code shutdownNow}: takes the task if it is still waiting. */
        boolean drop() {
            if (PHASE.compareAndSet(this, WAITING, DROPPED)) {
                cancel(false);
                return true;
            }
            return false;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            scheduled.remove(this);
            Object w = waiter;
            if (cancelled && w != null) {
                Strand.unpark(w); // ends its wait now rather than at its time
            }
            return cancelled;
        }

        @Override
        public boolean isPeriodic() {
            return period != 0;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(time - mode.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            if (other == this) {
                return 0;
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    private <V> DelayedTask<V> schedule(Callable<V> callable, long delay, long period, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        long time = mode.nanoTime() + Math.max(0L, unit.toNanos(delay));
        DelayedTask<V> task = new DelayedTask<>(callable, time, period);
        scheduled.add(task); // before its strand starts, so that shutdownNow sees it from the start
        try {
            execute(task);
        } catch (RuntimeException e) {
            scheduled.remove(task);
            throw e;
        }
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        return schedule(() -> {
            command.run();
            return null;
        }, delay, 0L, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        return schedule(callable, delay, 0L, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return schedulePeriodic(command, initialDelay, period, unit, true);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return schedulePeriodic(command, initialDelay, delay, unit, false);
    }

    private ScheduledFuture<?> schedulePeriodic(Runnable command, long initialDelay, long period, TimeUnit unit,
                                                boolean fixedRate) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        if (period <= 0) {
            throw new IllegalArgumentException((fixedRate ? "period" : "delay") + " must be positive: " + period);
        }
        long nanos = Math.max(1L, unit.toNanos(period));
        return schedule(() -> {
            command.run();
            return null;
        }, initialDelay, fixedRate ? nanos : -nanos, unit);
    }

    @Override
    void onShutdown() {
        for (DelayedTask<?> t : scheduled) {
            if (t.isPeriodic()) {
                t.cancel(false);
            }
        }
    }

    @Override
    void onShutdownNow(List<Runnable> notStarted) {
        for (DelayedTask<?> t : scheduled) {
            if (t.drop()) {
                notStarted.add(t);
            }
        }
    }
}
