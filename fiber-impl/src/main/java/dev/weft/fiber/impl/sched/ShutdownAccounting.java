package dev.weft.fiber.impl.sched;

import dev.weft.fiber.FiberScheduler.FiberTask;

import java.util.concurrent.atomic.LongAdder;

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

    /** Live fibers, for shutdownNow and fiber dumps; null when not tracked (no cost per fiber then). */
    private final LiveTasks liveFibers;
    /** Fibers accepted since creation (metrics); counted only where {@link #liveFibers} is kept. */
    private final LongAdder fibersAccepted = new LongAdder();
    /** Fibers accepted and ended since creation (metrics). */
    private final LongAdder fibersEnded = new LongAdder();
    private volatile int runState = RUNNING;
    private final Object lifecycle = new Object();
    /** Called once nothing is live after shutdown, under {@link #lifecycle}; must not block. */
    private final Runnable stopCarriers;

    ShutdownAccounting(boolean closable, Runnable stopCarriers) {
        this.liveFibers = closable || TRACK_UNCLOSABLE ? new LiveTasks() : null;
        this.stopCarriers = stopCarriers;
    }

    /** Whether {@link #accept} registers fibers (and so wants a spread hint). */
    boolean tracksFibers() {
        return liveFibers != null;
    }

    /**
     * Counts {@code task} in, registering it if it is a fiber and {@link #tracksFibers()}.
     * Any thread.
     *
     * @param spread a registry stripe hint (see {@link LiveTasks#add}), used only when tracking
     * @return false if the pool is shut down: the task was counted out again and must be rejected
     */
    boolean accept(Runnable task, int spread) {
        FiberTask fiber = liveFibers != null && task instanceof FiberTask t ? t : null;
        live.increment();
        if (fiber != null) {
            liveFibers.add(fiber, spread);
            fibersAccepted.increment();
        }
        if (runState != RUNNING) {
            if (fiber != null) {
                liveFibers.remove(fiber);
                fibersEnded.increment();
            }
            ended();
            return false;
        }
        return true;
    }

    /** A fiber accepted by {@link #accept} has terminated. Any thread, once per fiber. */
    void fiberEnded(FiberTask fiber) {
        if (liveFibers != null) {
            liveFibers.remove(fiber);
            fibersEnded.increment();
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
        liveFibers.forEach(FiberTask::cancel);
        synchronized (lifecycle) {
            stopIfNothingLive();
        }
    }

    /** See {@link CarrierPool#forEachLiveFiber}. */
    void forEachLiveFiber(java.util.function.Consumer<FiberTask> action) {
        if (liveFibers != null) {
            liveFibers.forEach(action);
        }
    }

    long fibersAccepted() {
        return fibersAccepted.sum();
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
