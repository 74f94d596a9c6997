package dev.weft.fiber.impl.sched;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.impl.util.CurrentThread;
import dev.weft.fiber.FiberScheduler.FiberTask;
import dev.weft.fiber.impl.timer.DeadlineTimer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What Weft's schedulers share: carrier threads, how idle carriers wait and are woken, the
 * watchdog that compensates for carriers blocked outside Weft, shutdown, and counters. A
 * subclass supplies the queues ({@link #findWork}, {@link #hasVisibleWork}, {@link #dispatch}).
 *
 * <h2>Implementation overview</h2>
 * <b>Carriers</b> are daemon platform threads, {@code parallelism} of them started at creation,
 * each with a slot in {@link #carriers}. A carrier loops: find a task and run it; when there is
 * none, <em>spin</em> for a short while ({@link #SPIN_NANOS}, re-scanning the queues), then
 * <em>park</em>. Waking a parked core costs about 30 us on the virtual machines Weft is developed
 * on, so the spin covers the common short gap between a fiber parking and another waking it.
 *
 * <p><b>Waking idle carriers (no lost wake-up).</b> Work sources call {@link #signalWork()},
 * which wakes one parked carrier when some are parked and none is spinning (a spinning carrier
 * will find the work; when it does and it was the last spinner, it signals again, so
 * parallelism ramps up one carrier at a time, as in Go's scheduler). A parking carrier publishes
 * {@code parkState = PARKED} and increments {@link #idle} (volatile), then re-checks every queue
 * it could take from; a submitter makes its task visible with a volatile write, then reads
 * {@code idle} and {@code spinning}. Volatile accesses are sequentially consistent, so either the
 * carrier's re-check sees the task or the submitter sees the parked carrier. The waker CASes the
 * carrier's {@code parkState} from PARKED to ACTIVE, so exactly one party (the waker, or the
 * carrier that found work on its re-check) decrements {@code idle}. A push to a carrier's own
 * local queue skips the full fence: the owner itself will run that task.
 *
 * <p><b>Blocked carriers and compensation.</b> A carrier can block outside Weft: in
 * {@code Thread.sleep}, a {@code java.util.concurrent} lock, blocking I/O, a monitor held by a
 * suspended fiber, or a pinned park. Like Go's sysmon, a watchdog thread looks at every carrier
 * every millisecond while some look finds something to watch, backing off to every 3 ms while
 * the carriers keep switching tasks ({@link WatchdogBackoff}, which also says what that costs in
 * detection). A carrier still in the same task is marked blocked when
 * <ul>
 *   <li>its thread is {@code BLOCKED}, {@code WAITING} or {@code TIMED_WAITING} at
 *       {@link #STUCK_TICKS} consecutive looks (2-3 ms at the short tick, at most 7 ms after a back-off), or</li>
 *   <li>it has been in that one task for {@link #BUSY_BLOCKED_NANOS} (default 10 ms), whatever
 *       its thread state: a thread in a native read or write is {@code RUNNABLE} too. (Go's
 *       sysmon hands a processor off after 20 us in a system call; Weft's watchdog ticks every
 *       millisecond, and a stand-in thread costs more than a Go hand-off, so the default is
 *       10 ms, Go's own preemption slice.) The watchdog then walks the carrier's stack once: a
 *       native method on top (blocking I/O, a JNI call) counts as blocked like a wait; Java code
 *       on top is a fiber computing without reaching a Weft suspension point, which gets a
 *       stand-in only while fewer than {@link #maxBusyCompensated} carriers (default the
 *       parallelism) are marked for that reason, so CPU-bound fibers use about twice the
 *       parallelism in threads (stand-ins of marks already cleared linger until they retire);
 *       the stack of a carrier refused for that reason is looked at
 *       again every {@code BUSY_BLOCKED_NANOS}. The busy carrier keeps its fiber (there is no
 *       preemption); the queued fibers run beside it.</li>
 * </ul>
 * Whenever (at any tick) fewer than {@code parallelism} carriers are unblocked, compensating
 * carriers are started, at most {@link #maxCompensating} at a time (default
 * {@link #DEFAULT_MAX_COMPENSATING}, 10,000, Go's default limit on threads). At that bound (or
 * when the JVM cannot start another thread) the pool goes on with the carriers it has, starts
 * more as soon as some retire, and logs one warning ({@code System.Logger}
 * {@code dev.weft.fiber.scheduler}): work queued behind that many blocked carriers then waits
 * until one of them comes back, and deadlocks if all of them wait for it.
 * A carrier clears its own mark when its task returns; a mark set just as the task returned is
 * cleared by the watchdog at its next look (the mark records the task it was set in). A
 * compensating carrier retires when, on going idle, the unblocked carriers number more than
 * {@code parallelism}, or when that becomes true while it is parked (it looks every
 * {@link #KEEP_ALIVE_NANOS}); a stand-in for a carrier that is still blocked stays, parked,
 * rather than retire and be started again. The watchdog parks while every carrier is parked, so
 * an idle scheduler burns no CPU; the waker of a carrier unparks it. Scans over the carriers
 * (stealing, waking, the watchdog's look) stop at {@link #slotLimit}, the highest slot used so
 * far, not at the end of the array.
 *
 * <p><b>Failure isolation.</b> A carrier survives anything its task throws: {@link #runTask}
 * catches it and hands it to the carrier thread's uncaught-exception handler, and whatever that
 * handler throws in turn is dropped (the report was attempted once; a failing report must not
 * cost the pool a thread). Should a carrier thread still die (an error in the pool's own code,
 * an {@code OutOfMemoryError} at a bad moment), it leaves its slot in {@link #carriers}, so its
 * queues stay visible to thieves and submitters, and the watchdog joins it and starts a
 * replacement in the same slot that takes over its queues ({@link #newCarrier}'s
 * {@code predecessor}): nothing queued on it is lost, and the pool keeps its parallelism.
 *
 * <p><b>Shutdown.</b> {@link #live} counts accepted work: plain tasks until they return, fibers
 * until {@link #fiberTerminated}. After {@code shutdown()}, {@code execute} rejects, {@code resume}
 * still schedules, and when {@code live} reaches zero the carriers are told to stop and exit.
 * {@code shutdownNow()} also cancels every live fiber (they unwind through {@code finally}).
 */
public abstract class CarrierPool implements FiberScheduler {

    /** How long an idle carrier keeps scanning before it parks. */
    static final long SPIN_NANOS = Long.getLong("weft.carrier.spinNanos", 20_000L);
    /** Consecutive looks that find a carrier blocked in the same task before it counts as blocked (2-3 ms). */
    static final int STUCK_TICKS = 2;
    /**
     * How long a carrier may stay in one task, whatever its thread state, before it counts as
     * blocked: {@code weft.carrier.busyBlockedMillis}, default 10 ms (see the class comment).
     */
    static final long BUSY_BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("weft.carrier.busyBlockedMillis", 10L));
    /**
     * Compensating carriers a scheduler may run at a time unless told otherwise:
     * {@code weft.carrier.maxCompensating}, default 10,000 (Go's default thread limit). Large on
     * purpose: the bound is there to stop a runaway, and every blocked carrier below it is one
     * that cannot deadlock the pool. A parked stand-in costs a thread's stack memory, no CPU.
     */
    public static final int DEFAULT_MAX_COMPENSATING = Integer.getInteger("weft.carrier.maxCompensating", 10_000);
    /** How long an idle compensating carrier waits for work before it retires. */
    static final long KEEP_ALIVE_NANOS = 1_000_000_000L;


    /**
     * Whether pools hold their live fibers weakly and report those the garbage collector finds
     * unreachable before they terminated (parked with nothing left to wake them):
     * {@code weft.diag.trackLeaks}, default false, read once. See {@link WeakLiveTasks} for why
     * such a fiber is a leak and what the mode costs; off, it costs nothing.
     */
    public static final boolean TRACK_LEAKS = Boolean.getBoolean("weft.diag.trackLeaks");

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    /** Pools whose carriers have started and that have not terminated: what a fiber dump walks. */
    private static final java.util.Set<CarrierPool> LIVE_POOLS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The diagnostics hook, or null; see {@link PoolObserver}. */
    private static volatile PoolObserver observer;

    final String name;
    final int parallelism;
    final int maxCompensating;
    private final boolean closable;

    /** Slots 0..parallelism-1 are core carriers; compensating carriers take free slots above. */
    final Carrier[] carriers;

    final AtomicInteger idle = new AtomicInteger();
    final AtomicInteger spinning = new AtomicInteger();
    private final AtomicInteger alive = new AtomicInteger();
    private final AtomicInteger compensating = new AtomicInteger();
    private final AtomicInteger blocked = new AtomicInteger();
    private final AtomicLong compensationsTotal = new AtomicLong();
    /**
     * One more than the highest slot of {@link #carriers} ever used; only grows. Scans stop here.
     * Written (volatile) after the slot it covers.
     */
    private volatile int slotLimit;
    /** Whether the warning that compensation is at its bound was logged (once per pool). */
    private boolean boundReported;
    /**
     * Carriers marked blocked only for computing long in one task may number at most this many
     * at a time ({@code weft.carrier.maxBusyCompensated}, default the parallelism): each gets a
     * stand-in. Watchdog only.
     */
    private final int maxBusyCompensated;
    /** Watchdog only: carriers marked blocked for computing, counted at the start of each tick. */
    private int busyMarked;
    private final LongAdder pinnedParks = new LongAdder();

    /** Run state, accepted work, live fibers: when a shut-down pool may stop. */
    private final ShutdownAccounting accounting;
    /** Set once shut down and nothing is live: carriers exit. */
    volatile boolean stopping;
    private final CountDownLatch terminated = new CountDownLatch(1);

    private final Thread watchdog;
    private volatile boolean watchdogParked;
    /** The watchdog's interval between looks. Watchdog only. */
    private final WatchdogBackoff backoff = new WatchdogBackoff();

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
        this.maxBusyCompensated = Integer.getInteger("weft.carrier.maxBusyCompensated", parallelism);
        this.closable = closable;
        this.carriers = new Carrier[parallelism + maxCompensating];
        this.accounting = new ShutdownAccounting(closable, this::stopCarriers,
                trackLeaks ? new ShutdownAccounting.LeakHooks(this::labelOf, this::reportUnreachable) : null);
        this.watchdog = Thread.ofPlatform().name("weft-" + name + "-watchdog").daemon(true).unstarted(this::watch);
    }

    /** Starts the core carriers and the watchdog; called once by the subclass constructor, last. */
    protected final void start() {
        for (int i = 0; i < parallelism; i++) {
            startCarrier(i, false, null);
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
     * {@code kind} is {@link #NEW_TASK}, {@link #WAKE} or {@link #YIELD}.
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

    protected static final int NEW_TASK = 0;
    protected static final int WAKE = 1;
    protected static final int YIELD = 2;

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
                    : java.util.concurrent.ThreadLocalRandom.current().nextInt();
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
        dispatch(fiber, self instanceof Carrier c && c.pool == this ? c : null, yielded ? YIELD : WAKE);
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
        if (target.parkState == Carrier.PARKED && target.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
            idle.decrementAndGet();
            LockSupport.unpark(target);
            wakeWatchdog();
        }
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

    // ----------------------------------------------------------------------------------------
    // Idle carriers

    /** Wakes a parked carrier if there is one and no carrier is spinning. Any thread. */
    final void signalWork() {
        if (idle.get() > 0 && spinning.get() == 0) {
            wakeOne();
        }
    }

    private void wakeOne() {
        Carrier[] cs = carriers;
        int n = slotLimit;
        // ThreadLocalRandom may read a stale carrier's seed inside a migrated fiber; any start will do
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Carrier c = cs[(start + i) % n];
            if (c != null && c.parkState == Carrier.PARKED && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                idle.decrementAndGet();
                LockSupport.unpark(c);
                wakeWatchdog();
                return;
            }
        }
    }

    /**
     * Called by carrier {@code c} when it found no work: spins, then parks.
     *
     * @return a task, or null if {@code c} should exit (shutdown, or a compensating carrier retiring)
     */
    final Runnable awaitWork(Carrier c) {
        while (true) {
            spinning.incrementAndGet();
            c.counted = Carrier.SPINNING;
            Runnable t = null;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int pauses = 1;
            do {
                t = findWork(c);
                if (t != null || stopping) {
                    break;
                }
                // Back off between scans: each scan reads other carriers' queue indexes, and a
                // tight loop of such reads makes their owners miss on their own cache lines.
                for (int i = 0; i < pauses; i++) {
                    Thread.onSpinWait();
                }
                pauses = Math.min(pauses << 1, 64);
            } while (System.nanoTime() - spinUntil < 0);
            c.counted = Carrier.NOT_COUNTED;
            if (spinning.decrementAndGet() == 0 && t != null) {
                signalWork(); // we were the last spinner: there may be more work than we took
            }
            if (t != null) {
                return t;
            }
            if (stopping) {
                return null;
            }
            if (c.compensating && c.boundFibers.get() == 0 && unblockedCarriers() > parallelism) {
                // The carrier it stood in for is back. A submitter that saw this carrier
                // spinning did not wake anyone, so look once more (after the decrement above,
                // which orders this read after that submit) before leaving.
                if (hasVisibleWork(c)) {
                    continue;
                }
                return null;
            }
            c.parkState = Carrier.PARKED;
            idle.incrementAndGet();
            if (hasVisibleWork(c) || stopping) {
                if (c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                    idle.decrementAndGet();
                    wakeWatchdog(); // it may have parked while it counted this carrier as idle
                }
                continue;
            }
            long parkedAt = System.nanoTime();
            while (c.parkState == Carrier.PARKED && !stopping) {
                if (c.compensating) {
                    LockSupport.parkNanos(this, KEEP_ALIVE_NANOS);
                    // Retire only if no longer needed: a stand-in for a carrier that is still
                    // blocked would be started again at the watchdog's next tick (thread churn).
                    if (System.nanoTime() - parkedAt >= KEEP_ALIVE_NANOS && c.boundFibers.get() == 0
                            && unblockedCarriers() > parallelism
                            && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                        idle.decrementAndGet();
                        if (hasVisibleWork(c)) {
                            // Work arrived as it timed out: take it before retiring. It woke
                            // itself, so nobody woke the watchdog, which may have parked while
                            // this carrier was idle; it must watch this carrier's work.
                            wakeWatchdog();
                            break;
                        }
                        return null;
                    }
                } else {
                    LockSupport.park(this);
                }
            }
            if (c.parkState == Carrier.PARKED && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                idle.decrementAndGet(); // left because of stopping
            }
        }
    }

    /** One more than the highest slot of {@link #carriers} in use so far: where scans stop. */
    final int slotLimit() {
        return slotLimit;
    }

    private int unblockedCarriers() {
        return alive.get() - blocked.get();
    }

    // ----------------------------------------------------------------------------------------
    // Carrier life cycle

    /**
     * Creates and starts the carrier of slot {@code index}: at creation, and then by the watchdog
     * only. Throws what {@code Thread.start} throws (no memory for another thread), with the
     * slot and the counts left as they were.
     */
    private void startCarrier(int index, boolean compensatingCarrier, Carrier predecessor) {
        Carrier c = newCarrier(index, compensatingCarrier, predecessor);
        Carrier previous = carriers[index];
        carriers[index] = c;
        if (index >= slotLimit) {
            slotLimit = index + 1; // after the slot: a scan that reads the limit sees the carrier
        }
        alive.incrementAndGet();
        if (compensatingCarrier) {
            compensating.incrementAndGet();
            compensationsTotal.incrementAndGet();
        }
        try {
            c.start();
        } catch (Throwable e) {
            carriers[index] = previous;
            alive.decrementAndGet();
            if (compensatingCarrier) {
                compensating.decrementAndGet();
                compensationsTotal.decrementAndGet();
            }
            throw e;
        }
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
            unmarkBlocked(c);
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

    /**
     * Called by carrier {@code c} as it exits: retiring or stopping ({@code died} false), or
     * killed by something its loop did not catch ({@code died} true). The watchdog joins exited
     * carriers, so that once the pool reports itself terminated none of its threads is still
     * alive, and replaces a carrier that died (see the class comment); until then the dead
     * carrier keeps its slot, so its queues stay where thieves, submitters and affinity look.
     */
    final void carrierExited(Carrier c, boolean died) {
        c.died = died;
        if (!died) {
            carriers[c.index] = null;
        }
        if (c.compensating) {
            compensating.decrementAndGet();
            PoolObserver o = observer;
            if (o != null && !died) {
                notify(() -> o.compensatingCarrierRetired(this, c));
            }
        }
        // Counts a death could leave behind: a carrier that was spinning or parked when its loop threw.
        if (c.counted == Carrier.SPINNING) {
            spinning.decrementAndGet();
        }
        if (c.parkState == Carrier.PARKED && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
            idle.decrementAndGet();
        }
        c.gone = true; // before the clear: see inspect(), which marks and then reads this
        unmarkBlocked(c);
        exited.offer(c);
        if ((alive.decrementAndGet() == 0 && stopping) || died) {
            LockSupport.unpark(watchdog);
        }
        if (died) {
            signalWork(); // its queues may hold work: let an idle carrier steal it
        }
    }

    /** Carriers that have exited and not yet been joined by the watchdog. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Carrier> exited = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Watchdog only: waits for exited carrier threads to end (they are past their last action). */
    private void joinExited() {
        Carrier c;
        for (int n = exited.size(); n > 0 && (c = exited.poll()) != null; n--) {
            boolean interrupted = false;
            while (c.isAlive()) {
                try {
                    c.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (c.died) {
                replaceDead(c);
            }
        }
    }

    /** Watchdog only: starts a carrier in a dead carrier's slot, taking over its queues. */
    private void replaceDead(Carrier dead) {
        if (!stopping) {
            try {
                startCarrier(dead.index, dead.compensating, dead);
                return;
            } catch (Throwable e) {
                reportAtBound("could not start a carrier to replace " + dead.getName() + " (" + e + ")");
                exited.offer(dead); // try again at the next tick; the slot still shows its queues
                return;
            }
        }
        if (carriers[dead.index] == dead) {
            carriers[dead.index] = null;
        }
    }

    private void stopCarriers() {
        stopping = true;
        for (Carrier c : carriers) {
            if (c != null) {
                LockSupport.unpark(c);
            }
        }
        LockSupport.unpark(watchdog);
    }

    // ----------------------------------------------------------------------------------------
    // Watchdog

    /** The watchdog's current interval between looks, read racily (tests and diagnostics). */
    long watchdogIntervalNanos() {
        return backoff.intervalNanos();
    }

    private void wakeWatchdog() {
        if (watchdogParked) {
            watchdogParked = false;
            LockSupport.unpark(watchdog);
        }
    }

    private void watch() {
        try {
            watchUntilStopped();
        } finally {
            joinExited();
            LIVE_POOLS.remove(this);
            terminated.countDown();
            PoolObserver o = observer;
            if (o != null) {
                notify(() -> o.terminated(this));
            }
        }
    }

    private void watchUntilStopped() {
        while (!stopping || alive.get() > 0) {
            joinExited();
            boolean anyActive = false;
            boolean watchful = false;
            busyMarked = countBusyMarked();
            for (int i = 0, n = slotLimit; i < n; i++) {
                Carrier c = carriers[i];
                if (c == null || c.gone) {
                    continue; // a dead carrier waiting for its replacement is not inspected
                }
                if (c.parkState != Carrier.PARKED) {
                    anyActive = true;
                }
                watchful |= inspect(c);
            }
            compensate();
            // Something blocked (compensated or not yet): keep the short tick, so that a stand-in
            // follows at once when one retires or another carrier blocks too.
            backoff.afterLook(watchful || blocked.get() > 0 || !exited.isEmpty());
            if (!anyActive && !stopping && exited.isEmpty()) { // a dead carrier not yet replaced: keep ticking
                watchdogParked = true;
                if (idle.get() >= alive.get()) {
                    LockSupport.park(this);
                }
                watchdogParked = false;
                backoff.reset();
            } else {
                LockSupport.parkNanos(this, backoff.intervalNanos());
            }
        }
    }

    /** Watchdog only: logs, once per pool, that compensation has reached its bound. */
    private void reportAtBound(String what) {
        if (boundReported) {
            return;
        }
        boundReported = true;
        try {
            System.getLogger("dev.weft.fiber.scheduler").log(System.Logger.Level.WARNING,
                    this + ": " + what + "; " + blocked.get() + " carriers are blocked outside Weft"
                    + " and queued fibers wait until one returns (a deadlock if all of them wait for those fibers)."
                    + " Raise -Dweft.carrier.maxCompensating, or block in Weft's primitives instead."
                    + " This warning is logged once.");
        } catch (Throwable logFailure) {
            // a failing log handler must not stop the watchdog
        }
    }

    /**
     * Looks at one carrier: marks it blocked when it has been blocked (or busy) in one task long
     * enough (see the class comment). Returns whether the look was watchful for
     * {@link WatchdogBackoff}: the carrier is still in the task of the previous look, or marked.
     */
    private boolean inspect(Carrier c) {
        long seq = c.taskSeqOpaque();
        long marked = c.blockedSeq;
        if (marked != 0) {
            if (marked == seq) {
                c.stuckTicks = 0;
                // Still in the task it was marked blocked in. What that task has woken since, into
                // the slot the carrier keeps for itself, must not wait for it either: a push there
                // signals nobody, so without this an idle carrier never comes to take it.
                releaseKeptWork(c);
                return true;
            }
            // Its task has ended, and the carrier's own clear missed the mark: the task ended
            // between this watchdog's last look and its marking. Clear the leftover here, or the
            // carrier's next blocking task would go uncompensated (the count already holds it).
            unmarkBlocked(c);
        }
        if ((seq & 1) == 0) {
            c.stuckTicks = 0;
            return false;
        }
        if (seq != c.seenSeq) {
            c.seenSeq = seq;
            c.seenAt = System.nanoTime();
            c.stuckTicks = 0;
            return false;
        }
        // The same task for a whole tick, busy or blocked: work it kept for itself (which no
        // other carrier may take while it runs) must not wait for it any longer.
        releaseKeptWork(c);
        Thread.State st = c.getState();
        boolean busy = false;
        if (st != Thread.State.BLOCKED && st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) {
            c.stuckTicks = 0; // RUNNABLE: computing, or in a native call (blocking I/O)
            long now = System.nanoTime();
            if (now - c.seenAt < BUSY_BLOCKED_NANOS || now - c.nativeCheckedAt < BUSY_BLOCKED_NANOS) {
                return true;
            }
            c.nativeCheckedAt = now;
            if (!inNativeCode(c)) {
                if (busyMarked >= maxBusyCompensated) {
                    return true; // enough stand-ins for computing fibers; look again in BUSY_BLOCKED_NANOS
                }
                busy = true;
                busyMarked++;
            }
        } else if (++c.stuckTicks < STUCK_TICKS) {
            return true; // blocked at consecutive looks only: a brief lock wait is not worth a thread
        }
        c.markedBusy = busy;
        // Count first, then mark: the carrier's clear decrements only what was counted.
        blocked.incrementAndGet();
        c.blockedSeq = seq;
        PoolObserver o = observer;
        if (o != null) {
            notify(() -> o.carrierBlocked(this, c));
        }
        // The task may have ended meanwhile and the carrier exited (a compensating one retires)
        // without seeing the mark; no later look would find it. Either its exit sees the mark,
        // or this read sees its exit (both volatile: a store, then a load, on each side).
        if (c.gone) {
            unmarkBlocked(c);
        }
        return true;
    }

    /**
     * Whether {@code c}'s thread is in a native method (a read, a write, a JNI call): the one
     * stack walk the watchdog makes, at most once per {@link #BUSY_BLOCKED_NANOS} per carrier
     * that has been {@code RUNNABLE} in one task for that long (a handshake with the thread,
     * some microseconds).
     */
    private static boolean inNativeCode(Carrier c) {
        StackTraceElement[] stack = c.getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod();
    }

    /** Watchdog only: carriers marked blocked for computing in one task (not in a native call), see {@link #maxBusyCompensated}. */
    private int countBusyMarked() {
        int n = 0;
        for (int i = 0, limit = slotLimit; i < limit; i++) {
            Carrier c = carriers[i];
            if (c != null && c.markedBusy && c.blockedSeq != 0) {
                n++;
            }
        }
        return n;
    }

    /** Clears {@code c}'s blocked mark and uncounts it, if it is set and this call is the one that clears it. */
    private void unmarkBlocked(Carrier c) {
        if (c.clearBlockedMark()) {
            blocked.decrementAndGet();
        }
    }

    /**
     * Watchdog only, after each look at the carriers: starts compensating carriers while fewer
     * than {@code parallelism} are unblocked. Decided at every tick, not only when a carrier is
     * marked: a compensating carrier can retire after the mark was counted (it saw the blocked
     * carrier still unmarked, so more than {@code parallelism} unblocked carriers), and the pool
     * would then stay short while the blocked carrier's work waits.
     */
    private void compensate() {
        while (!stopping && blocked.get() > 0 && unblockedCarriers() < parallelism) {
            int slot = freeSlot();
            if (slot < 0) {
                reportAtBound("all " + maxCompensating + " compensating carriers are in use");
                return;
            }
            try {
                startCarrier(slot, true, null);
                PoolObserver o = observer;
                if (o != null) {
                    Carrier added = carriers[slot];
                    int b = blocked.get();
                    notify(() -> o.compensatingCarrierAdded(this, added, b));
                }
            } catch (Throwable e) {
                reportAtBound("the JVM could not start another compensating carrier (" + e + ")");
                return; // try again at the next tick
            }
        }
    }

    private int freeSlot() {
        for (int i = parallelism; i < carriers.length; i++) {
            if (carriers[i] == null) {
                return i;
            }
        }
        return -1;
    }

    // ----------------------------------------------------------------------------------------
    // Shutdown and stats

    /** See {@link #uncaughtExceptionHandler()}; volatile: set by any thread, read by carriers as fibers end. */
    private volatile dev.weft.fiber.Fiber.UncaughtExceptionHandler uncaughtHandler;

    @Override
    public dev.weft.fiber.Fiber.UncaughtExceptionHandler uncaughtExceptionHandler() {
        return uncaughtHandler;
    }

    @Override
    public void setUncaughtExceptionHandler(dev.weft.fiber.Fiber.UncaughtExceptionHandler handler) {
        uncaughtHandler = handler;
    }

    /** Counts a park (or yield) that could not unmount its fiber; see {@link SchedulerStats}. */
    @Override
    public final void fiberPinned(Runnable fiber, boolean park) {
        pinnedParks.increment();
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
        long run = 0;
        long steals = 0;
        for (int i = 0, n = slotLimit; i < n; i++) {
            Carrier c = carriers[i];
            if (c != null && !c.gone) { // a dead carrier's counts are already in the retired totals
                run += c.tasksRun();
                steals += c.stealsOpaque();
            }
        }
        return new SchedulerStats(name, alive.get(), parallelism, compensating.get(),
                compensationsTotal.get(), run + retiredTasksRun.get(), steals + retiredSteals.get(),
                queuedEstimate(), pinnedParks.sum());
    }

    // ----------------------------------------------------------------------------------------
    // Diagnostics (read by dev.weft.fiber.impl.diag)

    /** Installs the diagnostics hook, or removes it ({@code null}). */
    public static void observe(PoolObserver o) {
        observer = o;
    }

    /** Calls an observer's method; what it throws is dropped (see {@link PoolObserver}). */
    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (Throwable observerFailure) {
            // diagnostics must never break a pool
        }
    }

    /** The pools that are running or shutting down now (started, not yet terminated). */
    public static java.util.List<CarrierPool> livePools() {
        return java.util.List.copyOf(LIVE_POOLS);
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
    public final void forEachLiveFiber(java.util.function.Consumer<FiberTask> action) {
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
        return idle.get();
    }

    /** Carriers the watchdog counts as blocked outside Weft (or computing long in one task) now. */
    public final int blockedCarriers() {
        return blocked.get();
    }

    private final AtomicLong retiredTasksRun = new AtomicLong();
    private final AtomicLong retiredSteals = new AtomicLong();

    /** Tasks waiting in this pool's queues, an estimate. */
    protected abstract long queuedEstimate();

    @Override
    public String toString() {
        String s = isTerminated() ? "terminated" : isShutdown() ? "shutting down" : "running";
        return getClass().getSimpleName() + "[" + name + ", parallelism=" + parallelism
                + ", carriers=" + alive.get() + ", " + s + "]";
    }

    // ----------------------------------------------------------------------------------------

    /**
     * A carrier thread. Fields without {@code volatile} are written only by the carrier itself
     * (counters read racily by {@link #stats()}), or only by the watchdog (its bookkeeping).
     */
    protected static class Carrier extends Thread {
        static final int ACTIVE = 0;
        static final int PARKED = 1;
        private static final VarHandle PARK_STATE;

        static {
            try {
                PARK_STATE = MethodHandles.lookup().findVarHandle(Carrier.class, "parkState", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private static final VarHandle TASK_SEQ;
        private static final VarHandle STEALS;
        private static final VarHandle BLOCKED_SEQ;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                TASK_SEQ = l.findVarHandle(Carrier.class, "taskSeq", long.class);
                STEALS = l.findVarHandle(Carrier.class, "steals", long.class);
                BLOCKED_SEQ = l.findVarHandle(Carrier.class, "blockedSeq", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CarrierPool pool;
        final int index;
        final boolean compensating;

        volatile int parkState = ACTIVE;
        /**
         * Incremented as each task begins and as it ends, so odd means "in a task" and
         * {@code taskSeq / 2} is the number of tasks run. Written only by this carrier, with
         * opaque stores: the watchdog needs to see it eventually, not at once, and a volatile
         * store would put a full fence on every task.
         */
        private long taskSeq;
        /** Written only by this carrier (opaque). */
        private long steals;
        /**
         * The {@link #taskSeq} of the task the watchdog marked this carrier blocked in, or 0 (not
         * marked; a task's seq is odd, never 0). Set only by the watchdog (from 0), cleared by CAS
         * by this carrier when a task ends or by the watchdog when it finds the task over, so
         * that the one who clears it decrements the blocked count exactly once. The carrier's
         * check after {@link #endTask} has no store-load fence, so a mark set just as the task
         * ended can be missed; the watchdog clears it at its next look.
         */
        volatile long blockedSeq;

        /** Fibers this carrier started, a stripe hint for {@link LiveFibers}; written by this carrier only. */
        int spawns;

        /** Set as this carrier exits, before it clears its own blocked mark (see {@link CarrierPool#inspect}). */
        volatile boolean gone;
        /** Set (before {@link #gone}) when this carrier's thread died of something its loop did not catch. */
        volatile boolean died;

        static final int NOT_COUNTED = 0;
        static final int SPINNING = 1;
        /** Whether this carrier is counted in {@link CarrierPool#spinning}; this carrier only, read as it exits. */
        int counted;

        /**
         * Live fibers with affinity to this carrier; a compensating carrier does not retire while
         * any remain. A replacement takes over its dead predecessor's count with its slot.
         */
        final AtomicInteger boundFibers;

        // watchdog-only
        long seenSeq;
        /** When the watchdog first saw {@link #seenSeq}. */
        long seenAt;
        /** When the watchdog last walked this carrier's stack to see whether it is in native code. */
        long nativeCheckedAt;
        /** Whether the watchdog's mark (if set) was for computing, not for waiting or a native call. */
        boolean markedBusy;
        int stuckTicks;

        /** @param predecessor the dead carrier of this slot that this one replaces, or null */
        protected Carrier(CarrierPool pool, int index, boolean compensating, Carrier predecessor) {
            super(null, null, "weft-" + pool.name + "-carrier-" + index, 0, false);
            this.pool = pool;
            this.index = index;
            this.compensating = compensating;
            this.boundFibers = predecessor != null ? predecessor.boundFibers : new AtomicInteger();
            setDaemon(true);
        }

        /** Whether thieves may take work this carrier keeps for itself: it is marked blocked, or dead. */
        final boolean keptWorkStealable() {
            return blockedSeq != 0 || gone;
        }

        final void beginTask() {
            TASK_SEQ.setOpaque(this, taskSeq + 1);
        }

        final void endTask() {
            TASK_SEQ.setOpaque(this, taskSeq + 1);
        }

        /** Clears the blocked mark; true if this call cleared it (the caller then decrements the count). */
        final boolean clearBlockedMark() {
            long m = blockedSeq;
            return m != 0 && BLOCKED_SEQ.compareAndSet(this, m, 0L);
        }

        final long taskSeqOpaque() {
            return (long) TASK_SEQ.getOpaque(this);
        }

        final long tasksRun() {
            return taskSeqOpaque() >>> 1;
        }

        final void countSteal() {
            STEALS.setOpaque(this, steals + 1);
        }

        final long stealsOpaque() {
            return (long) STEALS.getOpaque(this);
        }

        final boolean casParkState(int expect, int update) {
            return PARK_STATE.compareAndSet(this, expect, update);
        }

        @Override
        public final void run() {
            boolean died = true;
            try {
                while (true) {
                    Runnable t = pool.findWork(this);
                    if (t == null) {
                        t = pool.awaitWork(this);
                        if (t == null) {
                            died = false;
                            break;
                        }
                    }
                    pool.runTask(this, t);
                }
            } finally {
                pool.retiredTasksRun.addAndGet(tasksRun());
                pool.retiredSteals.addAndGet(steals);
                pool.carrierExited(this, died);
            }
        }
    }
}
