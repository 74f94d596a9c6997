package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.impl.timer.DeadlineTimer;
import dev.weft.fiber.impl.util.CurrentThread;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What Weft's schedulers share: carrier threads, how idle carriers wait and are woken, the
 * watchdog that compensates for carriers blocked outside Weft, shutdown, and counters. A
 * subclass supplies the queues ({@link #findWork}, {@link #hasVisibleWork}, {@link #dispatch}).
 *
 * <h2>Implementation overview</h2>
 * The pool is the {@link FiberScheduler} face and the owner of one object per concern; each
 * concern's invariants are in its own class comment:
 * <ul>
 *   <li>{@link Carrier}: a carrier thread and its loop; who writes which of its fields.</li>
 *   <li>{@link CarrierSlots}: the carrier life cycle: slots, starting carriers, their exit, the
 *       replacement of a carrier that died with its queues taken over.</li>
 *   <li>{@link IdleCarriers}: the idle/wake protocol (spin, then park; no lost wake-up) and the
 *       retirement of stand-ins that are no longer needed.</li>
 *   <li>{@link Watchdog}: blocked carriers and compensation, with {@link WatchdogBackoff} for how
 *       often it looks.</li>
 *   <li>{@link ShutdownAccounting}: the run state and the accepted work, which decide when a shut
 *       down pool stops, with {@link LiveTasks} for the live fibers {@code shutdownNow} cancels.</li>
 *   <li>{@link PoolCounters}: the statistics of {@link #stats()}.</li>
 * </ul>
 *
 * <p><b>Failure isolation.</b> A carrier survives anything its task throws: {@link #runTask}
 * catches it and hands it to the carrier thread's uncaught-exception handler, and whatever that
 * handler throws in turn is dropped (the report was attempted once; a failing report must not
 * cost the pool a thread). A carrier thread that still dies is replaced ({@link CarrierSlots}).
 *
 * <p><b>Shutdown.</b> {@link ShutdownAccounting} counts accepted work: plain tasks until they
 * return, fibers until {@link #fiberTerminated}. After {@code shutdown()}, {@code execute}
 * rejects, {@code resume} still schedules, and when nothing is live the carriers are told to stop
 * ({@link #stopping}) and exit; the watchdog joins them, then ends the pool's life
 * ({@link #isTerminated()}). {@code shutdownNow()} also cancels every live fiber (they unwind
 * through {@code finally}).
 */
public abstract class CarrierPool implements FiberScheduler {

    /**
     * Compensating carriers a scheduler may run at a time unless told otherwise:
     * {@code weft.carrier.maxCompensating}, default 10,000 (Go's default thread limit). Large on
     * purpose: the bound is there to stop a runaway, and every blocked carrier below it is one
     * that cannot deadlock the pool. A parked stand-in costs a thread's stack memory, no CPU.
     */
    public static final int DEFAULT_MAX_COMPENSATING = Integer.getInteger("weft.carrier.maxCompensating", 10_000);

    /**
     * Whether pools hold their live fibers weakly and report those the garbage collector finds
     * unreachable before they terminated (parked with nothing left to wake them):
     * {@code weft.diag.trackLeaks}, default false, read once. See {@link WeakLiveTasks} for why
     * such a fiber is a leak and what the mode costs; off, it costs nothing.
     */
    public static final boolean TRACK_LEAKS = Boolean.getBoolean("weft.diag.trackLeaks");

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    /** Pools whose carriers have started and that have not terminated: what a fiber dump walks. */
    private static final Set<CarrierPool> LIVE_POOLS = ConcurrentHashMap.newKeySet();

    /** The diagnostics hook, or null; see {@link PoolObserver}. */
    private static volatile PoolObserver observer;

    final String name;
    final int parallelism;
    final int maxCompensating;
    private final boolean closable;

    /**
     * The carrier slots (see {@link CarrierSlots}), the same array as {@code slots.carriers}: kept
     * here too, so that the queue scans of the subclasses read it without going through
     * {@link #slots}.
     */
    final Carrier[] carriers;
    /** The carrier life cycle. */
    final CarrierSlots slots;
    /** The idle/wake protocol. */
    final IdleCarriers idleCarriers;
    /** Blocked carriers and compensation; the pool's last thread. */
    final Watchdog watchdog;
    /** The statistics. */
    final PoolCounters counters = new PoolCounters();

    /** Run state, accepted work, live fibers: when a shut-down pool may stop. */
    private final ShutdownAccounting accounting;
    /** Set once shut down and nothing is live: carriers exit. */
    volatile boolean stopping;
    private final CountDownLatch terminated = new CountDownLatch(1);

    /** See {@link #uncaughtExceptionHandler()}; volatile: set by any thread, read by carriers as fibers end. */
    private volatile Fiber.UncaughtExceptionHandler uncaughtHandler;

    /**
     * @param kind            a word for thread names ({@code work-stealing}, {@code fifo})
     * @param parallelism     carriers that run work when none is blocked
     * @param maxCompensating extra carriers that may be started while carriers are blocked
     * @param closable        false for the default scheduler, which refuses shutdown
     */
    protected CarrierPool(String kind, int parallelism, int maxCompensating, boolean closable) {
        this(kind, parallelism, maxCompensating, closable, TRACK_LEAKS);
    }

    /**
     * As {@link #CarrierPool(String, int, int, boolean)}, choosing leak tracking for this pool
     * rather than from {@link #TRACK_LEAKS} (tests run both modes in one JVM).
     *
     * @param trackLeaks whether this pool holds its live fibers weakly and reports unreachable ones
     */
    protected CarrierPool(String kind, int parallelism, int maxCompensating, boolean closable, boolean trackLeaks) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        if (maxCompensating < 0) {
            throw new IllegalArgumentException("maxCompensating must not be negative: " + maxCompensating);
        }
        this.name = kind + "-" + POOL_IDS.incrementAndGet();
        this.parallelism = parallelism;
        this.maxCompensating = maxCompensating;
        this.closable = closable;
        this.slots = new CarrierSlots(this, parallelism + maxCompensating);
        this.carriers = slots.carriers;
        this.idleCarriers = new IdleCarriers(this);
        this.watchdog = new Watchdog(this);
        this.accounting = new ShutdownAccounting(closable, this::stopCarriers,
                trackLeaks ? new ShutdownAccounting.LeakHooks(this::labelOf, this::reportUnreachable) : null);
    }

    /** Starts the core carriers and the watchdog; called once by the subclass constructor, last. */
    protected final void start() {
        for (int i = 0; i < parallelism; i++) {
            slots.startCarrier(i, false, null);
        }
        LIVE_POOLS.add(this); // before the watchdog starts: its removal at termination comes after this
        watchdog.start();
        PoolObserver o = observer;
        if (o != null) {
            notify(() -> o.created(this));
        }
    }

    /**
     * Creates the carrier for slot {@code index} (not started). {@code predecessor} is the dead
     * carrier it replaces, whose queues it takes over, or null. The watchdog has joined the
     * predecessor's thread, and starts the new one: both orderings carry the predecessor's
     * owner-only writes to the new owner.
     */
    protected abstract Carrier newCarrier(int index, boolean compensating, Carrier predecessor);

    /** The next task for carrier {@code c}, or null. Called only by {@code c}. */
    protected abstract Runnable findWork(Carrier c);

    /** Whether any queue {@code c} takes from is non-empty; the re-check before parking. Called only by {@code c}. */
    protected abstract boolean hasVisibleWork(Carrier c);

    /**
     * Puts a task on a queue. {@code self} is the calling carrier of this pool, or null.
     * {@code kind} is {@link #NEW_TASK}, {@link #WAKE}, {@link #YIELD} or {@link #YIELD_UNMOUNTED}.
     */
    protected abstract void dispatch(Runnable task, Carrier self, int kind);

    /** Puts a fiber on carrier {@code target}'s own queue (affinity). */
    protected abstract void dispatchTo(Runnable task, Carrier target);

    /**
     * Called by the watchdog when carrier {@code c} has been in one task for a tick or more:
     * makes any work that {@code c} keeps for itself available to the others, and wakes an idle
     * carrier if {@code c} has queued work (a push to a carrier's own queue does not signal).
     */
    protected abstract void releaseKeptWork(Carrier c);

    /** Tasks waiting in this pool's queues, an estimate. */
    protected abstract long queuedEstimate();

    protected static final int NEW_TASK = 0;
    protected static final int WAKE = 1;
    protected static final int YIELD = 2;
    /**
     * A yield reported by {@link #resumeFromCarrier}: the fiber has just unmounted from
     * {@code self}, which runs no other code before its next {@link #findWork}, so a task kept
     * for {@code self} alone is taken at once, not held while something else runs.
     */
    protected static final int YIELD_UNMOUNTED = 3;

    // ----------------------------------------------------------------------------------------
    // FiberScheduler

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        Carrier self = currentCarrierOrNull();
        int spread = 0;
        if (accounting.tracksFibers() && task instanceof FiberTask) {
            // a carrier spreads its fibers over the registry's stripes; any other caller picks at
            // random (in a fiber of another scheduler ThreadLocalRandom may use a stale carrier's
            // seed: harmless here)
            spread = self != null ? (self.index << 4) + self.spawns++
                    : ThreadLocalRandom.current().nextInt();
        }
        if (!accounting.accept(task, spread)) {
            PoolObserver o = observer;
            if (o != null) {
                notify(() -> o.submitFailed(this, task));
            }
            throw new RejectedExecutionException(this + " is shut down and accepts no new work");
        }
        dispatch(task, self, NEW_TASK);
    }

    @Override
    public void resume(Runnable fiber) {
        dispatch(Objects.requireNonNull(fiber, "fiber"), currentCarrierOrNull(), WAKE);
    }

    @Override
    public void resumeYielded(Runnable fiber) {
        dispatch(Objects.requireNonNull(fiber, "fiber"), currentCarrierOrNull(), YIELD);
    }

    /**
     * {@link #resume} or {@link #resumeYielded} called by a fiber's carrier from its own stack,
     * right after the fiber unmounted, with {@code self} its {@code Thread.currentThread()}:
     * saves the lookup {@link #currentCarrierOrNull()} needs inside a fiber.
     */
    @Override
    public final void resumeFromCarrier(Runnable fiber, Thread self, boolean yielded) {
        Carrier c = self instanceof Carrier carrier && carrier.pool == this ? carrier : null;
        dispatch(fiber, c, yielded ? (c != null ? YIELD_UNMOUNTED : YIELD) : WAKE);
    }

    @Override
    public boolean supportsAffinity() {
        return true;
    }

    @Override
    public void resumeOn(Runnable fiber, int carrier, boolean yielded) {
        Objects.requireNonNull(fiber, "fiber");
        // A carrier a live fiber is bound to does not exit (see currentCarrier()); a fiber that
        // was never bound (it first ran outside this pool's carriers) goes to a core carrier.
        Carrier target = carrier >= 0 && carrier < carriers.length ? carriers[carrier] : null;
        if (target == null) {
            target = carriers[Math.floorMod(fiber.hashCode(), parallelism)];
        }
        dispatchTo(fiber, target);
        // A dead carrier keeps its slot until its replacement, which takes over its inbox, is in:
        // read the slot again after the offer (a full fence), so that it is the replacement, if
        // it has parked meanwhile without seeing the offer, that is woken.
        Carrier now = carriers[target.index];
        if (now != null) {
            target = now;
        }
        idleCarriers.wakeIfParked(target);
    }

    /**
     * Binds the calling carrier to an affinity fiber about to run for the first time. A
     * compensating carrier can be one: it then does not retire until all fibers bound to it have
     * terminated (their later runs arrive through its inbox).
     */
    @Override
    public int currentCarrier() {
        Thread t = Thread.currentThread(); // called by a carrier outside any fiber: safe
        if (t instanceof Carrier c && c.pool == this) {
            c.boundFibers.incrementAndGet();
            return c.index;
        }
        return -1;
    }

    @Override
    public void fiberTerminated(Runnable fiber) {
        if (fiber instanceof FiberTask f) {
            int home = f.homeCarrier();
            if (home >= 0 && carriers[home] instanceof Carrier c) {
                c.boundFibers.decrementAndGet();
            }
            accounting.fiberEnded(f);
        } else {
            accounting.ended();
        }
    }

    /** The calling thread if it is a carrier of this pool, looked up safely from inside a fiber. */
    final Carrier currentCarrierOrNull() {
        return CurrentThread.get() instanceof Carrier c && c.pool == this ? c : null;
    }

    /** Wakes a parked carrier if there is one and no carrier is spinning. Any thread. See {@link IdleCarriers}. */
    final void signalWork() {
        idleCarriers.signalWork();
    }

    /** One more than the highest slot of {@link #carriers} in use so far: where scans stop. */
    final int slotLimit() {
        return slots.slotLimit();
    }

    /**
     * Called by carrier {@code c} as it runs each task. The boundary between the pool and user
     * code: nothing the task or the uncaught-exception handler throws gets past it.
     */
    final void runTask(Carrier c, Runnable task) {
        c.beginTask();
        try {
            task.run();
        } catch (Throwable e) {
            reportTaskFailure(c, e);
        } finally {
            c.endTask();
            watchdog.unmarkBlocked(c);
            if (!(task instanceof FiberTask)) {
                if (c.isInterrupted()) {
                    Thread.interrupted(); // a plain task's interrupt status must not reach the next task
                }
                accounting.ended();
            }
        }
    }

    /**
     * Hands what a task threw to the carrier's uncaught-exception handler (by default the JVM's:
     * it prints the stack trace), once. A handler that throws in turn (a throwing default
     * handler, an exception whose {@code toString()} throws, no memory to print) has had its
     * chance: what it threw is dropped, and the carrier carries on.
     */
    private static void reportTaskFailure(Carrier c, Throwable e) {
        try {
            c.getUncaughtExceptionHandler().uncaughtException(c, e);
        } catch (Throwable handlerFailure) {
            // dropped on purpose, see above
        }
    }

    /** Called by {@link ShutdownAccounting} once nothing is live after shutdown: carriers exit. */
    private void stopCarriers() {
        stopping = true;
        slots.wakeAllToStop();
    }

    /** Called by the watchdog as its last action, once every carrier has exited and been joined. */
    final void watchdogEnding() {
        LIVE_POOLS.remove(this);
        terminated.countDown();
        PoolObserver o = observer;
        if (o != null) {
            notify(() -> o.terminated(this));
        }
    }

    /** The watchdog's current interval between looks, read racily (tests and diagnostics). */
    final long watchdogIntervalNanos() {
        return watchdog.intervalNanos();
    }

    // ----------------------------------------------------------------------------------------
    // Shutdown, handlers, time and stats

    @Override
    public Fiber.UncaughtExceptionHandler uncaughtExceptionHandler() {
        return uncaughtHandler;
    }

    @Override
    public void setUncaughtExceptionHandler(Fiber.UncaughtExceptionHandler handler) {
        uncaughtHandler = handler;
    }

    /** Counts a park (or yield) that could not unmount its fiber; see {@link SchedulerStats}. */
    @Override
    public final void fiberPinned(Runnable fiber, boolean park) {
        counters.pinned();
    }

    /**
     * Weft's shared timer thread ({@link DeadlineTimer}), on the system clock (the default
     * {@link #nanoTime()}): one heap for every Weft scheduler, as one timer thread costs less
     * than one per scheduler and a million timed parks cost the same either way.
     */
    @Override
    public Wakeup wakeAt(long deadline, Runnable action) {
        return DeadlineTimer.shared().schedule(deadline, action);
    }

    private void checkClosable() {
        if (!closable) {
            throw new UnsupportedOperationException("the default scheduler cannot be shut down");
        }
    }

    @Override
    public void shutdown() {
        checkClosable();
        accounting.shutdown();
    }

    @Override
    public void shutdownNow() {
        checkClosable();
        accounting.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return accounting.isShutdown();
    }

    /** True once the carriers have ended and the watchdog has joined them; the watchdog itself may take a moment more. */
    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (currentCarrierOrNull() != null) {
            throw new IllegalStateException("a carrier of " + this + " cannot wait for its own termination");
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            nanos = Long.MAX_VALUE;
        }
        if (!terminated.await(nanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        watchdog.join(); // it counted down as its last action: this returns at once
        return true;
    }

    @Override
    public SchedulerStats stats() {
        return counters.snapshot(this);
    }

    // ----------------------------------------------------------------------------------------
    // Diagnostics (read by dev.weft.fiber.impl.diag)

    /** Installs the diagnostics hook, or removes it ({@code null}). */
    public static void observe(PoolObserver o) {
        observer = o;
    }

    /** The installed diagnostics hook, or null. */
    static PoolObserver observer() {
        return observer;
    }

    /** Calls an observer's method; what it throws is dropped (see {@link PoolObserver}). */
    static void notify(Runnable call) {
        try {
            call.run();
        } catch (Throwable observerFailure) {
            // diagnostics must never break a pool
        }
    }

    /** The pools that are running or shutting down now (started, not yet terminated). */
    public static List<CarrierPool> livePools() {
        return List.copyOf(LIVE_POOLS);
    }

    /** This pool's name, as in {@link SchedulerStats#name()} and its threads' names. */
    public final String name() {
        return name;
    }

    /**
     * Calls {@code action} for each fiber this pool has accepted and that has not terminated
     * (parked ones included), as a {@link FiberTask}; outside any lock of the pool. Empty for a
     * pool that does not track its fibers ({@code -Dweft.scheduler.trackFibers=false}); in
     * leak-tracking mode, the fibers still reachable ({@link WeakLiveTasks#forEach}).
     */
    public final void forEachLiveFiber(Consumer<FiberTask> action) {
        accounting.forEachLiveFiber(action);
    }

    /** Whether this pool holds its fibers weakly and reports unreachable ones (see {@link #TRACK_LEAKS}). */
    public final boolean tracksLeaks() {
        return accounting.tracksLeaks();
    }

    /**
     * Leak-tracking mode: what the observer kept for {@code fiber}'s report
     * ({@link PoolObserver#fiberTracked}), or null (not tracked here, or nothing kept).
     */
    public final Object leakLabel(FiberTask fiber) {
        WeakLiveTasks.TrackedFiber r = accounting.tracked(fiber);
        return r != null ? r.label() : null;
    }

    /** Leak-tracking mode, at registration: asks the observer what to keep for a report. */
    private Object labelOf(FiberTask fiber) {
        PoolObserver o = observer;
        return o != null ? o.fiberTracked(this, fiber) : null;
    }

    /**
     * Leak-tracking mode, on the drain thread: a fiber of this pool was collected before it
     * terminated. Reported through the observer, or, with none installed (diagnostics are
     * installed by Weft's provider before the first pool, so only a pool built without it), logged
     * here with what the pool knows.
     */
    private void reportUnreachable(WeakLiveTasks.TrackedFiber r) {
        PoolObserver o = observer;
        if (o != null) {
            notify(() -> o.fiberUnreachable(this, r.label()));
        } else {
            System.getLogger("dev.weft.fiber.leak").log(System.Logger.Level.WARNING, "a fiber of " + name
                    + " became unreachable while parked: nothing can wake it, so it can never run again,"
                    + " and its finally blocks will not run");
        }
    }

    /** Fibers this pool has accepted since creation (their first run was submitted). */
    public final long fibersAccepted() {
        return accounting.fibersAccepted();
    }

    /**
     * Fibers accepted that have ended since creation: terminated, or, in leak-tracking mode, found
     * unreachable. Only grows.
     */
    public final long fibersCompleted() {
        return accounting.fibersEnded();
    }

    /** Fibers accepted and not yet terminated, an estimate read without stopping anything. */
    public final long fibersLive() {
        return accounting.fibersLive();
    }

    /** Carriers parked idle now. */
    public final int idleCarriers() {
        return idleCarriers.parked();
    }

    /** Carriers the watchdog counts as blocked outside Weft (or computing long in one task) now. */
    public final int blockedCarriers() {
        return watchdog.blockedCount();
    }

    @Override
    public String toString() {
        String s = isTerminated() ? "terminated" : isShutdown() ? "shutting down" : "running";
        return getClass().getSimpleName() + "[" + name + ", parallelism=" + parallelism
                + ", carriers=" + slots.alive() + ", " + s + "]";
    }
}
