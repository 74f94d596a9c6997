package dev.weft.fiber;

import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timer behind {@link FiberScheduler#wakeAt(long, Runnable)}'s default: one daemon thread,
 * started on first use, shared by every scheduler that keeps the default. Weft's own schedulers
 * override {@code wakeAt} with their implementation's timer; this one serves schedulers written
 * elsewhere against the SPI alone, which is why it lives in the API module and uses only the JDK.
 *
 * <p>{@link ScheduledThreadPoolExecutor} with remove-on-cancel, so a wake-up withdrawn early
 * (the common case: the fiber was woken before its time-out) leaves the queue at once instead
 * of holding its action until the deadline.
 */
final class SharedTimer {
    private SharedTimer() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "weft-spi-timer");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return t;
        }
    }

    static FiberScheduler.Wakeup schedule(long delayNanos, Runnable action) {
        Handle h = new Handle(Objects.requireNonNull(action, "action"));
        h.future = Holder.TIMER.schedule(h, Math.max(0L, delayNanos), TimeUnit.NANOSECONDS);
        return h;
    }

    /**
     * One wake-up. {@code claimed} decides between running and withdrawing: whichever of
     * {@link #run()} and {@link #cancel()} sets it first wins, so {@code cancel} tells the truth
     * even while the timer thread is already in {@code run} (a {@code Future}'s own
     * {@code cancel} would not: its state stays new until the run returns).
     */
    private static final class Handle extends java.util.concurrent.atomic.AtomicBoolean
            implements Runnable, FiberScheduler.Wakeup {
        private final Runnable action;
        /** Written before the handle escapes to the caller; read only by {@link #cancel}. */
        volatile ScheduledFuture<?> future;

        Handle(Runnable action) {
            this.action = action;
        }

        @Override
        public void run() {
            if (!compareAndSet(false, true)) {
                return;
            }
            try {
                action.run();
            } catch (Throwable e) {
                // an action's failure must not stop this shared thread's later wake-ups
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }

        @Override
        public boolean cancel() {
            if (!compareAndSet(false, true)) {
                return false;
            }
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false); // leaves the queue now (remove-on-cancel), not at the deadline
            }
            return true;
        }
    }
}
