package dev.weft.fiber.impl.sched;

import dev.weft.fiber.FiberScheduler.FiberTask;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A pool's run state and the work it has accepted and not finished: decides when a pool that was
 * shut down may stop its carriers, and cancels the live fibers at {@code shutdownNow}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code live} counts every task accepted by {@link #accept} and not yet {@linkplain #ended
 *       ended}: a plain task until it returned, a fiber until it terminated (parked fibers
 *       included, which no queue holds).</li>
 *   <li>An accept counts up <em>before</em> it reads the run state (and registers the fiber
 *       before that, too): an accept that saw {@code RUNNING} is counted before {@link #shutdown()}
 *       sums the counter, and registered before {@link #shutdownNow()} walks the registry
 *       (volatile accesses and the stripe monitors order them).</li>
 *   <li>{@link LongAdder#sum()} is not a snapshot, so the decision to stop is taken under
 *       {@link #lifecycle}, with one rule that makes a sum of zero exact: <em>after shutdown,
 *       every count-down that could pair with a count-up the sum has not seen happens under the
 *       same monitor.</em> The only such pairs are the count-up and undo of an accept rejected after
 *       shutdown (the two may land in different cells); the undo is a count-down like any other, so
 *       all post-shutdown count-downs take the monitor before they decrement. A count-down of
 *       work accepted before shutdown pairs with a count-up the sum has already seen, so a sum
 *       taken concurrently can only be too high, never too low.</li>
 * </ul>
 * A {@link LongAdder}: every spawn and every termination touches it, from every carrier, and a
 * single atomic counter would bounce its cache line between cores; only after shutdown is it
 * summed. {@code lifecycle} is a private monitor, not the pool: user code that locks the
 * scheduler object must not stall carriers.
 */
final class ShutdownAccounting {
    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;

    private final LongAdder live = new LongAdder();
    /**
     * Whether a pool that cannot be shut down (the default scheduler) still keeps its live fibers,
     * for fiber dumps: {@code weft.scheduler.trackFibers}, default true. False saves the pool a
     * stripe-monitor enter at every spawn and every termination, and leaves its fibers out of dumps.
     */
    static final boolean TRACK_UNCLOSABLE = Boolean.parseBoolean(System.getProperty("weft.scheduler.trackFibers", "true"));

    /** Live fibers, for shutdownNow and fiber dumps; null when not tracked (no cost per fiber then) or tracked weakly. */
    private final LiveTasks liveFibers;
    /**
     * The live fibers held weakly, in leak-tracking mode ({@link CarrierPool#TRACK_LEAKS}); else null.
     * At most one of this and {@link #liveFibers} is set, and the paths of the default mode test
     * {@code liveFibers} first, so leak tracking costs them nothing.
     */
    private final WeakLiveTasks weakFibers;
    /** Leak-tracking mode: what a fiber's reference keeps for its report (the pool's observer asks the fiber). */
    private final java.util.function.Function<FiberTask, Object> label;
    /** Fibers accepted since creation (metrics); counted only where fibers are kept (strongly or weakly). */
    private final LongAdder fibersAccepted = new LongAdder();
    /** Fibers accepted and ended since creation (metrics). */
    private final LongAdder fibersEnded = new LongAdder();
    private volatile int runState = RUNNING;
    private final Object lifecycle = new Object();
    /** Called once nothing is live after shutdown, under {@link #lifecycle}; must not block. */
    private final Runnable stopCarriers;

    /**
     * @param closable     false for the default scheduler (then fibers are kept only if {@link #TRACK_UNCLOSABLE})
     * @param stopCarriers called once nothing is live after shutdown
     * @param leaks        null for the default mode; in leak-tracking mode, what to keep of each fiber
     *                     for its report ({@code label}) and whom to report an unreachable fiber to
     */
    ShutdownAccounting(boolean closable, Runnable stopCarriers, LeakHooks leaks) {
        if (leaks != null) {
            this.liveFibers = null;
            this.label = leaks.label();
            this.weakFibers = new WeakLiveTasks(r -> {
                fibersEnded.increment(); // it can never run again: it no longer holds up a shutdown
                ended();
                leaks.unreachable().accept(r);
            });
        } else {
            this.liveFibers = closable || TRACK_UNCLOSABLE ? new LiveTasks() : null;
            this.label = null;
            this.weakFibers = null;
        }
        this.stopCarriers = stopCarriers;
    }

    /**
     * What leak-tracking mode needs from the pool.
     *
     * @param label       what to keep of a fiber for its report, asked at registration
     * @param unreachable reports a fiber found unreachable (on the drain thread)
     */
    record LeakHooks(java.util.function.Function<FiberTask, Object> label,
                     Consumer<WeakLiveTasks.TrackedFiber> unreachable) {
    }

    /** Whether fibers are held weakly (leak-tracking mode). */
    boolean tracksLeaks() {
        return weakFibers != null;
    }

    /** Leak-tracking mode: the reference of a registered fiber, or null (not registered, or not in that mode). */
    WeakLiveTasks.TrackedFiber tracked(FiberTask fiber) {
        return weakFibers != null ? weakFibers.find(fiber) : null;
    }

    /** Whether {@link #accept} registers fibers (and so wants a spread hint). */
    boolean tracksFibers() {
        return liveFibers != null;
    }

    /**
     * Counts {@code task} in, registering it if it is a fiber and the pool keeps its fibers (strongly, {@link #tracksFibers()}, or weakly, {@link #tracksLeaks()}).
     * Any thread.
     *
     * @param spread a registry stripe hint (see {@link LiveTasks#add}), used only when tracking
     * @return false if the pool is shut down: the task was counted out again and must be rejected
     */
    boolean accept(Runnable task, int spread) {
        // Default mode: liveFibers decides at the first test, as before leak tracking existed.
        FiberTask fiber = (liveFibers != null || weakFibers != null) && task instanceof FiberTask t ? t : null;
        live.increment();
        if (fiber != null) {
            if (liveFibers != null) {
                liveFibers.add(fiber, spread);
            } else {
                weakFibers.add(fiber, labelOf(fiber));
            }
            fibersAccepted.increment();
        }
        if (runState != RUNNING) {
            if (fiber != null) {
                untrack(fiber);
            }
            ended();
            return false;
        }
        return true;
    }

    /** Takes a registered fiber out of whichever registry holds it, counting it as ended. */
    private void untrack(FiberTask fiber) {
        if (liveFibers != null) {
            liveFibers.remove(fiber);
        } else {
            weakFibers.remove(fiber);
        }
        fibersEnded.increment();
    }

    private Object labelOf(FiberTask fiber) {
        try {
            return label.apply(fiber);
        } catch (Throwable e) {
            return null; // the fiber is still tracked; its report says less
        }
    }

    /** A fiber accepted by {@link #accept} has terminated. Any thread, once per fiber. */
    void fiberEnded(FiberTask fiber) {
        if (liveFibers != null || weakFibers != null) {
            untrack(fiber);
        }
        ended();
    }

    /** Counts down accepted work; after shutdown, stops the carriers once nothing is live. */
    void ended() {
        boolean counted = false;
        if (runState == RUNNING) {
            live.decrement();
            if (runState == RUNNING) {
                return;
            }
            counted = true; // counted down while running: not the undo of a rejected accept
        }
        synchronized (lifecycle) {
            if (!counted) {
                live.decrement();
            }
            stopIfNothingLive();
        }
    }

    void shutdown() {
        synchronized (lifecycle) {
            if (runState == RUNNING) {
                runState = SHUTDOWN;
            }
            stopIfNothingLive();
        }
    }

    /** Shuts down and cancels every live fiber (outside the monitor: a cancel may end a fiber at once). */
    void shutdownNow() {
        synchronized (lifecycle) {
            runState = STOP;
        }
        forEachLiveFiber(FiberTask::cancel);
        synchronized (lifecycle) {
            stopIfNothingLive();
        }
    }

    /** See {@link CarrierPool#forEachLiveFiber}. */
    void forEachLiveFiber(java.util.function.Consumer<FiberTask> action) {
        if (liveFibers != null) {
            liveFibers.forEach(action);
        } else if (weakFibers != null) {
            weakFibers.forEach(action);
        }
    }

    long fibersAccepted() {
        return fibersAccepted.sum();
    }

    long fibersEnded() {
        return fibersEnded.sum();
    }

    /** Accepted minus ended; the ended count is read first, so a concurrent end can only make it high. */
    long fibersLive() {
        long ended = fibersEnded.sum();
        return Math.max(0L, fibersAccepted.sum() - ended);
    }

    boolean isShutdown() {
        return runState != RUNNING;
    }

    /** Caller holds {@link #lifecycle}, after shutdown. */
    private void stopIfNothingLive() {
        if (live.sum() == 0) {
            stopCarriers.run();
        }
    }
}
