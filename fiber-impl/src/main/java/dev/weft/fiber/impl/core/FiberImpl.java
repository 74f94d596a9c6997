package dev.weft.fiber.impl.core;

import dev.weft.fiber.impl.util.CurrentThread;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fiber: a {@link StackfulContinuation} (its stack; the fiber is its own continuation) plus a
 * state, a park permit and a scheduler.
 *
 * <h2>Implementation overview</h2>
 * The scheduler runs the fiber's {@link Task} (one per fiber, not the fiber itself: a
 * {@code Fiber} a user holds is no {@code Runnable}, and the continuation's own {@code run()},
 * final in the JDK, would mount it without any of this class's bookkeeping): {@link #mount()} mounts it on the calling carrier and runs
 * it until it suspends or ends, then decides, still on the carrier, what happens next
 * ({@link #afterRun}). Everything that waits (join, sleep, timed park, and the primitives built
 * on them elsewhere) reduces to {@link #park0} and {@link #unpark()}.
 *
 * <p>This class is the state machine and owns every field (one object per fiber: a concern
 * object of its own would cost a header and a reference on every fiber). The other concerns of
 * a fiber have their logic and their invariants in classes named after them, which act on its
 * fields: {@link JoinStack} (the joiners, woken at termination), {@link MountedCarrier} (the
 * carrier a mounted fiber runs on, and the interrupt protocol around it), {@link Sleep} (a
 * sleep's deadline and what it does with the permit), {@link UncaughtFailures} (where an
 * uncaught exception goes), {@link HeldMonitors} (whether a suspension may unmount) and
 * {@link PinnedParks} (counting and logging those that may not). {@link Task} is what the
 * scheduler sees, with the link slots of its registry.
 *
 * <p><b>State transitions.</b> {@code state} is written by the fiber's carrier while the fiber
 * is mounted, and CASed by other threads only to move it out of {@code PARKED}:
 * <pre>
 *   NEW       -> STARTED     start() (CAS, so a second start fails)
 *   STARTED   -> RUNNING     mount(): first mount
 *   RUNNABLE  -> RUNNING     mount(): resume after a yield
 *   UNPARKED  -> RUNNING     mount(): resume after a park (consumes the permit)
 *   RUNNING   -> YIELDING    Fiber.yield(), then the continuation yields
 *   YIELDING  -> RUNNABLE    afterRun(): resubmitted behind other work
 *   YIELDING  -> RUNNING     the yield was pinned: the fiber just carries on
 *   RUNNING   -> PARKING     park0(), then the continuation yields
 *   PARKING   -> PARKED      afterRun(), then re-reads the permit
 *   PARKED    -> UNPARKED    unpark() or afterRun() (CAS: exactly one of them resubmits)
 *   PARKING   -> PINNED      the yield was pinned: the fiber parks its carrier thread instead
 *   RUNNING   -> PINNED      park0() found a monitor held by the fiber (HeldMonitors): it parks its carrier without yielding
 *   PINNED    -> RUNNING     the carrier thread wakes and sees the permit
 *   PARKED    -> INSPECTED   parkedStackTrace() (CAS): a dump reads the stack while nothing may mount it
 *   INSPECTED -> PARKED      parkedStackTrace() is done, then re-reads the permit (as afterRun())
 *   RUNNING   -> TERMINATED  the body returned or threw (afterRun())
 *   NEW       -> TERMINATED  started after cancel(), or rejected by the scheduler
 * </pre>
 * <b>Invariant:</b> a fiber is in at most one scheduler queue at a time, and only a transition
 * into {@code STARTED}, {@code RUNNABLE} or {@code UNPARKED} puts it there; so {@code mount()}
 * never races with itself.
 *
 * <p><b>Park and unpark (no lost wake-up).</b> The permit is a volatile boolean. The parking
 * side writes {@code state = PARKED} (volatile) and then reads {@code permit}; the unparking
 * side sets {@code permit} (volatile RMW) and then reads {@code state}. Volatile accesses are
 * sequentially consistent, so at least one side sees the other's write, and the CAS
 * {@code PARKED -> UNPARKED} lets exactly one of them resubmit the fiber. The same handshake
 * with {@code PINNED} decides who unparks the blocked carrier thread.
 *
 * <p><b>Reading a parked fiber's stack (diagnostics).</b> A yielded continuation's stack can be
 * walked from another thread, but not while it is mounted: a walk racing with a resume can fail
 * ({@code InternalError: stack walk: decode failed}) or read frames being thawed. So a dump CASes
 * {@code PARKED -> INSPECTED} before the walk; an {@link #unpark()} meanwhile sets the permit and
 * sees a state that is not {@code PARKED}, so it does not resubmit; the dump then writes
 * {@code PARKED} back (volatile) and re-reads the permit, exactly as {@code afterRun} does: the same
 * handshake decides who resubmits. A wake-up is deferred by one walk (microseconds), and no carrier
 * waits for it. Fibers that are queued ({@code RUNNABLE}, {@code UNPARKED}) are not walked: holding
 * them off would need a CAS in every mount, on the hot path.
 *
 * <p><b>Cancellation and interruption</b> set a volatile flag and then {@link #unpark()}; the
 * woken fiber sees the flag when {@code park0} returns. Every suspension point checks the
 * cancel flag, so a cancelled fiber unwinds with {@link FiberCancelledException}.
 *
 *
 * <p><b>Interrupting the carrier of a mounted fiber.</b> A fiber blocked in a call Weft does not
 * own ({@code CountDownLatch.await()}, {@code Thread.sleep}) blocks its carrier thread and only
 * an interrupt of that thread ends the call; so {@link #interrupt()} and {@link #cancel()} also
 * interrupt the carrier while the fiber is mounted, without ever interrupting a carrier the fiber
 * has left: the protocol on the {@link #carrier} field is in {@link MountedCarrier}.
 *
 * <p><b>Carrier identity.</b> Code here that runs on the fiber's own stack never keeps the
 * carrier thread across a suspension: {@link #carrier} is written by {@link #mount()} on the
 * carrier's own stack, and the fiber finds itself with {@link #current()}, which survives
 * migration (see {@link StackfulContinuation}).
 *
 * <p><b>Memory.</b> A parked fiber is this object (the JDK continuation's fields and ours, in one
 * object: a separate continuation would cost a header and a reference each way), its
 * {@link Task} and the stack chunk of its frames. Fields are kept few on purpose (measured with a
 * class histogram, see docs/internals.md): the task and the outcome share one field, the rarely used
 * name, handler and affinity live in an {@link Extras} object allocated only when set, the id is
 * assigned on first use, and waiters are dropped at termination.
 */
public final class FiberImpl<V> extends StackfulContinuation implements Fiber<V> {

    /** The scope every fiber's continuation runs in; a generator inside a fiber uses its own. */
    static final StackfulContinuation.Scope SCOPE = new StackfulContinuation.Scope("weft-fiber");

    /**
     * A {@code Callable} fiber's body, on its own stack ({@link StackfulContinuation#enter()}):
     * called only for a {@code Callable} task, a plain {@code Runnable} being the continuation's
     * first frame itself. The logic lives in this one frame, with nothing of ours between it and
     * the continuation's entry, because every frame is frozen with every parked fiber:
     * interpreted frames, which the earliest fibers of a JVM park with, are about a hundred bytes
     * each.
     */
    @Override
    protected void enter() {
        Callable<?> c = (Callable<?>) slot;
        slot = null;
        Object result;
        try {
            result = c.call();
        } catch (Throwable e) {
            result = new Failure(e);
        }
        slot = result;
    }

    /** A park that cannot unmount is counted and logged here, inside the failing yield. */
    @Override
    protected void pinned(String reason) {
        if (state == PARKING) {
            try {
                PinnedParks.record(this, scheduler, reason, true, null);
            } catch (Throwable logFailure) {
                // a failing log handler (or no memory to build the message) must not break the park
            }
            FiberObserver o = observer;
            if (o != null) {
                o.pinned(blocker, reason);
            }
        }
    }

    /**
     * The continuation's first frame for {@code task}: the task itself if it is a plain
     * {@code Runnable} (an exception it throws then leaves through {@code resume()}, see
     * {@link #mount()}), null for a {@code Callable} (then {@link #enter()} calls it).
     */
    private static Runnable firstFrame(Object task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof Callable<?>) {
            return null;
        }
        if (task instanceof Runnable r) {
            return r; // the continuation keeps the task; slot stays free for the outcome
        }
        throw new IllegalArgumentException("task must be a Callable or a Runnable: " + task.getClass().getName());
    }

    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int RUNNABLE = 2;
    private static final int RUNNING = 3;
    private static final int YIELDING = 4;
    private static final int PARKING = 5;
    private static final int PARKED = 6;
    private static final int UNPARKED = 7;
    private static final int PINNED = 8;
    private static final int TERMINATED = 9;
    /** A dump reads the parked fiber's stack; see the class comment. */
    private static final int INSPECTED = 10;

    private static final VarHandle STATE;
    private static final VarHandle PERMIT;
    private static final VarHandle CANCELLED;
    private static final VarHandle ID;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(FiberImpl.class, "state", int.class);
            PERMIT = l.findVarHandle(FiberImpl.class, "permit", boolean.class);
            CANCELLED = l.findVarHandle(FiberImpl.class, "cancelled", boolean.class);
            ID = l.findVarHandle(FiberImpl.class, "id", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final AtomicLong IDS = new AtomicLong();

    /**
     * The longest wait measured against {@code System.nanoTime()} (about 36 years): longer
     * requests are cut to it, so that {@code now + nanos} cannot overflow into the past.
     */
    static final long MAX_WAIT_NANOS = Long.MAX_VALUE >>> 2;

    /** The {@linkplain #blocker() blocker} of a fiber in {@link Fiber#sleep(Duration)}. */
    public static final Object SLEEPING = new Object() {
        @Override
        public String toString() {
            return "sleep";
        }
    };

    /**
     * The diagnostics hook, or null (the default: then each hook site costs one read of this
     * field). Volatile so that an observer installed by another thread is seen; on x86 such a
     * read is a plain load.
     */
    private static volatile FiberObserver observer;

    /**
     * What the scheduler runs: this fiber's {@link Task}, one per fiber, so that the object users
     * hold (the {@code Fiber}) is not a {@code Runnable} that anyone could run.
     */
    private final Task task = new Task(this);

    /** Assigned on first use ({@link #id()}), so that creating a fiber touches no shared counter. */
    private volatile long id;
    private final FiberScheduler scheduler;
    /** Name, handler and affinity; null for a fiber that has none, which keeps plain fibers small. */
    private final Extras extras;

    /**
     * A {@code Callable} task until its body starts, null while it runs (so that a parked fiber
     * does not retain it), then the outcome: the result or a {@link Failure}. (A plain
     * {@code Runnable} task is held by the continuation instead.) One field for both saves 4
     * bytes on every fiber. The outcome is written before {@code state = TERMINATED}, whose
     * volatile write publishes it.
     */
    private Object slot;

    /** See the transition table. */
    private volatile int state;
    private volatile boolean permit;
    private volatile boolean cancelled;
    private volatile boolean interrupted;

    /**
     * The thread running this fiber while it is mounted, else null; a marker while an interrupter
     * interrupts that thread. Set by {@link #mount()} on the carrier's own stack, cleared there by
     * CAS; owned by {@link MountedCarrier}, whose protocol it is, and read through it.
     */
    volatile Thread carrier;

    /**
     * What this fiber waits on while it parks (see {@link #blocker()}), else null. Written only
     * by the fiber itself: before the release store of {@code PARKING}, whose successors
     * ({@code PARKED}, volatile) publish it to a dump, and cleared when the park returns. It
     * takes what was alignment padding: a 12-byte header and 64 bytes of fields round up to 80
     * without it, 80 with it ({@code ParkedFiberFootprintTest} prints {@code FiberImpl=80}).
     */
    private Object blocker;

    /** Bumped by every timed park; a timer whose number no longer matches has nothing to wake. */
    private int timedParkSeq;

    /** The joiners waiting for this fiber's end, owned by {@link JoinStack}. */
    volatile Object waiters;

    /**
     * The waiter node this fiber reuses for every plain {@code send}/{@code receive} of a Weft
     * channel ({@code dev.weft.fiber.impl.channel.WeftChannel}), so that a blocking channel
     * operation allocates nothing. Null until the fiber first waits on a channel. Read and written
     * only by this fiber itself; safe to reuse because a fiber waits in at most one plain channel
     * operation at a time, and the node has left the channel's queue (under the channel's lock)
     * before the operation returns. Selects allocate their own nodes and never use it.
     */
    public Object channelNode;

    /**
     * This fiber's {@code FiberLocal} values (owned by {@code impl.exec.FiberLocals}): null until
     * first used. Read and written only by this fiber, and by its creator before {@link #start()},
     * whose hand-off to the scheduler publishes it.
     */
    private Object locals;

    /**
     * The scheduler's link slots ({@link FiberScheduler.FiberTask}), kept here rather than in the
     * task; the scheduler's registry guards them (Weft's: a stripe lock). Never read by the fiber.
     */
    private FiberScheduler.FiberTask registryPrev;
    private FiberScheduler.FiberTask registryNext;
    private byte registryStripe;

    /**
     * @param task a {@code Callable<V>}, or a {@code Runnable} (then {@code V} is {@code Void});
     *             an object that is both is called as a {@code Callable}
     */
    public FiberImpl(Object task, String name, FiberScheduler scheduler,
                     UncaughtExceptionHandler handler, boolean affinity) {
        super(SCOPE, firstFrame(task));
        if (task instanceof Callable<?>) {
            this.slot = task;
        }
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (affinity && !scheduler.supportsAffinity()) {
            throw new UnsupportedOperationException("carrier affinity requested, but scheduler " + scheduler
                    + " does not support it (FiberScheduler.supportsAffinity() is false)");
        }
        this.extras = name != null || handler != null || affinity ? new Extras(name, handler, affinity) : null;
    }

    // ----------------------------------------------------------------------------------------
    // Lookup of the current fiber

    /** The fiber running the caller, or null; correct across migration. */
    public static FiberImpl<?> current() {
        return (FiberImpl<?>) StackfulContinuation.current(SCOPE);
    }

    // ----------------------------------------------------------------------------------------
    // Life cycle: start, run, terminate

    @Override
    public Fiber<V> start() {
        if (!STATE.compareAndSet(this, NEW, STARTED)) {
            throw new IllegalStateException(this + " was already started");
        }
        if (cancelled) {
            terminate(new Failure(new FiberCancelledException(this + " was cancelled before it started")), false);
            return this;
        }
        try {
            scheduler.execute(task);
        } catch (RuntimeException | Error e) {
            terminate(new Failure(e), false);
            throw e;
        }
        return this;
    }

    /**
     * Mounts this fiber on the calling carrier and runs it until it suspends or ends. Called only
     * through {@link Task#run()} by the scheduler, for a fiber in STARTED, RUNNABLE or UNPARKED,
     * from outside any fiber.
     */
    private void mount() {
        int s = state;
        if (s != STARTED && s != RUNNABLE && s != UNPARKED) {
            throw new IllegalStateException(this + " was run by its scheduler in state " + stateName(s)
                    + "; a scheduler must run each submitted fiber exactly once");
        }
        Thread self = Thread.currentThread(); // the carrier's own stack, not the fiber's: safe
        if (s == UNPARKED) {
            permit = false; // this mount is the wake-up the permit asked for
        } else if (s == STARTED) {
            if (cancelled) {
                STATE.setRelease(this, RUNNING);
                terminate(new Failure(new FiberCancelledException(this + " was cancelled before it ran")), true);
                return;
            }
            if (extras != null && extras.affinity) {
                extras.homeCarrier = scheduler.currentCarrier();
            }
            FiberObserver o = observer;
            if (o != null) {
                o.started(this);
            }
        }
        if (self.isInterrupted()) {
            Thread.interrupted(); // a stray status (a plain task, user code) must not reach this fiber
        }
        MountedCarrier.publish(this, self); // a release store, not volatile: see MountedCarrier
        if (cancelled) {
            self.interrupt(); // a cancelled fiber's foreign blocking calls end too, in every mount
        }
        // Release, not volatile: no other thread acts on RUNNING (unpark acts on PARKED and
        // PINNED only, which are written with volatile stores).
        STATE.setRelease(this, RUNNING);
        FiberObserver o = observer;
        Object run = o == null ? null : o.mounting(this);
        try {
            resume();
        } catch (Throwable e) {
            slot = new Failure(e); // only a Runnable body run as the first frame throws out of the continuation
        }
        if (run != null) {
            o.unmounted(this, run);
        }
        MountedCarrier.unmount(this, self);
        afterRun(self);
    }

    /** Runs on carrier {@code self} after the continuation returned: the fiber yielded, parked or ended. */
    private void afterRun(Thread self) {
        int s = state;
        if (isFinished()) {
            // First: a body can end while the state still says YIELDING or PARKING, when
            // something throws between publishing that state and the yield (see pinned()).
            terminate(slot, true); // the outcome is stored
        } else if (s == YIELDING) {
            STATE.setRelease(this, RUNNABLE);
            submitFromCarrier(self, true);
        } else if (s == PARKING) {
            state = PARKED; // volatile: the parking half of the handshake with unpark()
            if (permit && STATE.compareAndSet(this, PARKED, UNPARKED)) {
                submitFromCarrier(self, false);
            }
        } else {
            throw new IllegalStateException(this + " returned to its carrier in state " + stateName(s));
        }
    }

    /**
     * Publishes the outcome and wakes joiners. The uncaught-exception handler runs first, so
     * that a join returns only after it (the handler must therefore not wait for this fiber).
     * {@code accepted}: the scheduler took the fiber through {@code execute} and is told of its end.
     */
    private void terminate(Object result, boolean accepted) {
        slot = result;
        if (result instanceof Failure f && !(cancelled || f.error instanceof FiberCancelledException)) {
            UncaughtFailures.report(this, extras != null ? extras.handler : null, f.error); // throws nothing: whatever the handler does, the fiber terminates
        }
        state = TERMINATED;
        // An accepted fiber terminates on its carrier's own stack, where the carrier is known
        // without a lookup; a fiber that never ran terminates in start(), wherever that was called.
        JoinStack.closeAndWake(this, accepted ? Thread.currentThread() : null);
        FiberObserver o = observer;
        if (o != null) {
            o.ended(this);
        }
        if (accepted) {
            scheduler.fiberTerminated(task);
        }
    }

    /** As {@link #submit}, from the carrier's own stack, where the carrier is known without a lookup. */
    private void submitFromCarrier(Thread self, boolean yielded) {
        if (extras == null) {
            scheduler.resumeFromCarrier(task, self, yielded);
        } else {
            submit(yielded);
        }
    }

    private void submit(boolean yielded) {
        if (extras != null && extras.affinity) {
            scheduler.resumeOn(task, extras.homeCarrier, yielded);
        } else if (yielded) {
            scheduler.resumeYielded(task);
        } else {
            scheduler.resume(task);
        }
    }

    // ----------------------------------------------------------------------------------------
    // Suspension, called by the fiber itself while mounted

    // Entry points for the calling fiber. Static: they act on the caller's own fiber, found with
    // current(), so a Fiber reference (which anyone may hold) gives no way to suspend a fiber
    // from outside it.

    /** {@link Fiber#yield()} for the calling fiber; false (nothing done) if the caller is not in one. */
    public static boolean yieldCurrent() {
        FiberImpl<?> f = current();
        if (f == null) {
            return false;
        }
        f.yield0();
        return true;
    }

    /** {@link Fiber#park(long)} (0: untimed) for the calling fiber; false (nothing done) if the caller is not in one. */
    public static boolean parkCurrent(long nanos) {
        return parkCurrent(nanos, null);
    }

    /**
     * As {@link #parkCurrent(long)}, recording {@code blocker} as what the fiber waits on for
     * the length of the park (fiber dumps, the stuck-fiber detector).
     */
    public static boolean parkCurrent(long nanos, Object blocker) {
        FiberImpl<?> f = current();
        if (f == null) {
            return false;
        }
        f.park0(nanos, true, blocker);
        return true;
    }

    /**
     * As {@link #parkCurrent(long, Object)}, but a cancel neither ends the park nor makes it throw: for a
     * synchronizer that must finish a wait even in a cancelled fiber ({@code Condition.await}
     * reacquiring its lock before it throws {@link FiberCancelledException}). The cancel's wake-up
     * is one more spurious return, which such a caller's loop absorbs.
     *
     * @return false (nothing done) if the caller is not in a fiber
     */
    public static boolean parkCurrentIgnoringCancel(long nanos, Object blocker) {
        FiberImpl<?> f = current();
        if (f == null) {
            return false;
        }
        f.park0(nanos, false, blocker);
        return true;
    }

    /** {@link Fiber#sleep(Duration)} for the calling fiber; false (nothing done) if the caller is not in one. */
    public static boolean sleepCurrent(long nanos) throws InterruptedException {
        FiberImpl<?> f = current();
        if (f == null) {
            return false;
        }
        Sleep.sleep(f, nanos);
        return true;
    }

    /** {@link Fiber#yield()} for this fiber, which must be the caller. */
    private void yield0() {
        checkCancelled();
        if (HeldMonitors.ENABLED && holdsMonitor(false)) {
            return; // a yield is only a hint: carry on, keeping the carrier (and the monitor's owner)
        }
        STATE.setRelease(this, YIELDING);
        if (!StackfulContinuation.yield(SCOPE)) {
            STATE.setRelease(this, RUNNING); // pinned: a yield is only a hint, carry on
        }
        checkCancelled();
    }

    /**
     * Parks this fiber, which must be the caller, until unparked, interrupted, cancelled or
     * {@code nanos} have passed ({@code nanos == 0}: no time limit). Returns at once if the
     * permit is available (consuming it) or the fiber is interrupted.
     *
     * With {@code cancellable} false (only {@link #parkCurrentIgnoringCancel}), a cancel is neither
     * checked nor ends the park. One method, not a wrapper per mode: a wrapper frame would sit on
     * the stack of every parked fiber that the JIT has not compiled yet.
     *
     * @throws FiberCancelledException if cancellable and the fiber is cancelled (checked before and after parking)
     */
    void park0(long nanos, boolean cancellable, Object blocker) {
        if (cancellable) {
            checkCancelled();
        }
        if ((permit && PERMIT.compareAndSet(this, true, false)) || interrupted) {
            return;
        }
        FiberObserver o = observer;
        Object record = o == null ? blocker : o.parking(this, blocker, nanos);
        this.blocker = record; // published by the release store of PARKING (or PINNED's volatile one)
        try {
            // Inline here, not in a helper method: a helper's frame would sit on the stack of
            // every parked fiber that the JIT has not compiled yet.
            if (HeldMonitors.ENABLED && holdsMonitor(true)) {
                if (o != null) {
                    o.pinned(record, "MONITOR");
                }
                parkPinned(nanos, cancellable); // the carrier blocks and keeps the monitor; the watchdog compensates
            } else {
                FiberScheduler.Wakeup timeout = null; // a local, on this fiber's own stack: no field in every fiber
                if (nanos > 0) {
                    // Time is the scheduler's: its clock and its timer (the default, Weft's shared timer
                    // thread; a deterministic scheduler, a virtual clock).
                    timeout = scheduler.wakeAt(scheduler.nanoTime() + Math.min(nanos, MAX_WAIT_NANOS),
                            new TimedWake(this, ++timedParkSeq));
                }
                STATE.setRelease(this, PARKING);
                if (!StackfulContinuation.yield(SCOPE)) {
                    parkPinned(nanos, cancellable);
                }
                if (timeout != null) {
                    // Ended early (unpark, interrupt, cancel) or timed out: either way the timer lets go
                    // of this fiber now, not at the deadline. After a time-out this is one volatile read.
                    timeout.cancel();
                }
            }
        } finally {
            this.blocker = null;
            if (o != null) {
                o.resumed(this, record);
            }
        }
        if (cancellable) {
            checkCancelled();
        }
    }

    /**
     * Whether this fiber, the caller, holds a monitor in one of its frames, in which case it must
     * not unmount (see {@link HeldMonitors}); if so, the refusal is counted and logged once per
     * call site like any pinned park.
     */
    private boolean holdsMonitor(boolean park) {
        StackTraceElement holder = HeldMonitors.heldBy();
        if (holder == null) {
            return false;
        }
        try {
            PinnedParks.record(this, scheduler, "MONITOR held by " + holder, park, park ? holder : holder.toString());
        } catch (Throwable logFailure) {
            // a failing log handler (or no memory to build the message) must not break the park
        }
        return true;
    }

    /**
     * The wake-up of one timed park, handed to {@link FiberScheduler#wakeAt}: 24 bytes, on the
     * timed-park path only. The sequence number tells a late wake-up of an earlier park (it is
     * ignored) from the one of the park in progress.
     */
    private record TimedWake(FiberImpl<?> fiber, int seq) implements Runnable {
        @Override
        public void run() {
            fiber.parkTimedOut(seq);
        }

        @Override
        public String toString() {
            return "time-out of " + fiber;
        }
    }

    /** Called by the scheduler's timer when the timed park numbered {@code seq} has run out. */
    public void parkTimedOut(int seq) {
        if (seq == timedParkSeq) { // racy read: at worst a late timer leaves a permit, a legal spurious wake-up
            unpark();
        }
    }

    /**
     * The fiber could not unmount (a native frame or critical section on its stack): block the
     * carrier thread instead. Already counted and logged (once per call site) by
     * {@link #pinned}; the scheduler's watchdog sees a blocked carrier and compensates.
     */
    private void parkPinned(long nanos, boolean cancellable) {
        // The system clock, not the scheduler's: this blocks a real thread for real time.
        long deadline = nanos > 0 ? System.nanoTime() + Math.min(nanos, MAX_WAIT_NANOS) : 0L;
        state = PINNED;
        while (!permit && !interrupted && !(cancellable && cancelled)) {
            if (nanos > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
            if (!permit && !interrupted && !(cancellable && cancelled)) {
                // An interrupt of this fiber earlier in this mount also interrupted the carrier
                // (MountedCarrier.interrupt), and the fiber has consumed it since (a sleep threw): the
                // carrier's status would make every park return at once, a spin until the deadline.
                CurrentThread.clearInterrupt();
            }
        }
        state = RUNNING;
        permit = false;
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new FiberCancelledException(this + " was cancelled");
        }
    }

    /**
     * {@code Fiber.interrupted()}: tests and clears the calling fiber's interrupt status (and the
     * carrier status an interrupt in this mount set, see {@link MountedCarrier#interrupt}), or the
     * calling thread's when the caller is not in a fiber.
     */
    public static boolean interruptedCurrent() {
        FiberImpl<?> f = current();
        if (f == null) {
            return Thread.interrupted();
        }
        return f.clearInterrupt();
    }

    /**
     * Tests and clears this fiber's interrupt status; called by the fiber itself, mounted. When
     * it was set, also clears its carrier's status, which {@link MountedCarrier#interrupt} may have set in
     * this mount: the fiber has now consumed that interrupt, and a later foreign call in the same
     * mount ({@code Object.wait} inside the monitor a pinned sleep was in) must not see it again.
     */
    /** Takes a pending unpark permit out of the way, if set; true if it did. By this fiber, mounted (see {@link Sleep}). */
    boolean takePermit() {
        return permit && PERMIT.compareAndSet(this, true, false);
    }

    /** Gives back a permit {@link #takePermit} took. By this fiber, mounted: nobody waits on the permit then. */
    void restorePermit() {
        permit = true;
    }

    /** The interrupt flag, a plain volatile read. */
    boolean interruptPending() {
        return interrupted;
    }

    boolean clearInterrupt() {
        boolean was = interrupted;
        if (was) {
            interrupted = false;
            CurrentThread.clearInterrupt();
        }
        return was;
    }

    // ----------------------------------------------------------------------------------------
    // Operations from anywhere

    @Override
    public void unpark() {
        unpark(null);
    }

    /**
     * {@link #unpark()}, told the calling carrier when the caller runs on a carrier's own stack
     * (not inside a fiber), so that resubmitting needs no thread lookup; null otherwise.
     */
    void unpark(Thread carrierSelf) {
        if (!permit && !(boolean) PERMIT.getAndSet(this, true)) {
            int s = state;
            if (s == PARKED) {
                if (STATE.compareAndSet(this, PARKED, UNPARKED)) {
                    if (carrierSelf != null) {
                        submitFromCarrier(carrierSelf, false);
                    } else {
                        submit(false);
                    }
                }
            } else if (s == PINNED) {
                Thread c = MountedCarrier.of(this);
                if (c != null) {
                    LockSupport.unpark(c);
                }
            }
        }
    }

    @Override
    public boolean cancel() {
        if (state == TERMINATED || !CANCELLED.compareAndSet(this, false, true)) {
            return false;
        }
        MountedCarrier.interrupt(this);
        wakeForSignal();
        return true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void interrupt() {
        interrupted = true;
        MountedCarrier.interrupt(this);
        wakeForSignal();
    }

    /**
     * Wakes the fiber so that it sees a cancel or interrupt. Unlike {@link #unpark()}, also
     * unparks a pinned carrier when the permit was already set (the pinned loop re-checks the
     * flags, not only the permit).
     */
    private void wakeForSignal() {
        unpark();
        if (state == PINNED) {
            Thread c = MountedCarrier.of(this);
            if (c != null) {
                LockSupport.unpark(c);
            }
        }
    }

    @Override
    public boolean isInterrupted() {
        return interrupted;
    }

    // ----------------------------------------------------------------------------------------
    // Join and result

    @Override
    public void join() throws InterruptedException {
        awaitTermination(0L);
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return awaitTermination(timeoutNanos(timeout));
    }

    @Override
    public V get() throws ExecutionException, InterruptedException {
        awaitTermination(0L);
        return report();
    }

    @Override
    public V get(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        if (!awaitTermination(timeoutNanos(timeout))) {
            throw new TimeoutException(this + " did not terminate within " + timeout);
        }
        return report();
    }

    private static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return Math.max(1L, timeout.toNanos());
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    @SuppressWarnings("unchecked")
    private V report() throws ExecutionException {
        Object o = slot; // ordered after the volatile read of state == TERMINATED
        if (cancelled) {
            CancellationException c = new CancellationException(this + " was cancelled");
            if (o instanceof Failure f) {
                c.initCause(f.error);
            }
            throw c;
        }
        if (o instanceof Failure f) {
            throw new ExecutionException(describe(f.error), f.error);
        }
        return (V) o;
    }

    /**
     * The message {@code new ExecutionException(error)} would have ({@code error.toString()}),
     * or a fixed one if that throws: get() reports the task's exception, whatever it is.
     */
    private static String describe(Throwable error) {
        try {
            return error.toString();
        } catch (Throwable toStringFailure) {
            return error.getClass().getName() + " (its toString() threw " + toStringFailure.getClass().getName() + ")";
        }
    }

    /**
     * Waits for termination; {@code nanos == 0} means no time limit.
     *
     * @return whether the fiber terminated
     */
    private boolean awaitTermination(long nanos) throws InterruptedException {
        if (state == TERMINATED) {
            return true;
        }
        int s = state;
        if (s == NEW) {
            throw new IllegalStateException(this + " was never started; call start() before join()");
        }
        FiberImpl<?> me = current();
        if (me == this) {
            throw new IllegalStateException(this + " cannot join itself");
        }
        JoinStack.Waiter node = me != null ? new JoinStack.FiberWaiter(me) : new JoinStack.ThreadWaiter(Thread.currentThread());
        if (!JoinStack.push(this, node)) {
            return true;
        }
        // the joiner's clock: its scheduler's for a fiber (which may differ from this fiber's), the system's for a thread
        long deadline = nanos > 0 ? Strand.nanoTime(me != null ? me : Thread.currentThread()) + Math.min(nanos, MAX_WAIT_NANOS) : 0L;
        try {
            while (state != TERMINATED) {
                long left = 0L;
                if (nanos > 0) {
                    left = deadline - (me != null ? me.scheduler.nanoTime() : System.nanoTime());
                    if (left <= 0) {
                        return false;
                    }
                }
                if (me != null) {
                    me.park0(left, true, this);
                    if (me.clearInterrupt()) {
                        throw new InterruptedException(me + " was interrupted while joining " + this);
                    }
                } else {
                    if (nanos > 0) {
                        LockSupport.parkNanos(this, left);
                    } else {
                        LockSupport.park(this);
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedException(Thread.currentThread() + " was interrupted while joining " + this);
                    }
                }
            }
            return true;
        } finally {
            if (state != TERMINATED) {
                JoinStack.abandon(this, node); // timed out, interrupted or cancelled: a polling joiner must not pile up nodes
            }
        }
    }

    /**
     * The {@code Runnable} a fiber hands its scheduler each time it becomes runnable; running it
     * mounts the fiber on the calling thread until the fiber next suspends or ends. Separate from
     * the fiber so that a {@code Fiber} a user holds cannot be run as a task by mistake; only a
     * scheduler receives this object. The same instance every time, for the life of the fiber.
     */
    public static final class Task implements FiberScheduler.FiberTask {
        private final FiberImpl<?> fiber;

        private Task(FiberImpl<?> fiber) {
            this.fiber = fiber;
        }

        /** The fiber this task runs. */
        public FiberImpl<?> fiber() {
            return fiber;
        }

        /**
         * Mounts the fiber and runs it until it suspends or ends. Called only by the fiber's
         * scheduler, once per submission, from outside any fiber.
         *
         * @throws IllegalStateException if the fiber was not submitted (run twice for one submission)
         */
        @Override
        public void run() {
            fiber.mount();
        }

        @Override
        public void cancel() {
            fiber.cancel();
        }

        @Override
        public int homeCarrier() {
            return fiber.homeCarrier();
        }

        @Override
        public FiberScheduler.FiberTask nextLink() {
            return fiber.registryNext;
        }

        @Override
        public void setNextLink(FiberScheduler.FiberTask next) {
            fiber.registryNext = next;
        }

        @Override
        public FiberScheduler.FiberTask prevLink() {
            return fiber.registryPrev;
        }

        @Override
        public void setPrevLink(FiberScheduler.FiberTask prev) {
            fiber.registryPrev = prev;
        }

        @Override
        public int linkSlot() {
            return fiber.registryStripe & 0xFF;
        }

        @Override
        public void setLinkSlot(int slot) {
            fiber.registryStripe = (byte) slot;
        }

        /** For example {@code Task[Fiber[#12,worker,RUNNABLE]]}. */
        @Override
        public String toString() {
            return "Task[" + fiber + "]";
        }
    }

    /** The rarely used parts of a fiber's configuration. */
    private static final class Extras {
        final String name;
        final UncaughtExceptionHandler handler;
        final boolean affinity;
        /**
         * The carrier an affinity fiber always runs on; -1 until its first mount. Written by that
         * carrier, read by the fiber's later submissions (ordered by the state transitions).
         */
        int homeCarrier = -1;

        Extras(String name, UncaughtExceptionHandler handler, boolean affinity) {
            this.name = name;
            this.handler = handler;
            this.affinity = affinity;
        }
    }

    /** An exceptional outcome, so that a task may return a Throwable as its value. */
    private record Failure(Throwable error) {
    }

    // ----------------------------------------------------------------------------------------
    // Queries

    /** This fiber's fiber-local values, or null; see the field. */
    public Object locals() {
        return locals;
    }

    /** Sets this fiber's fiber-local values; by this fiber, or by its creator before start. */
    public void locals(Object values) {
        locals = values;
    }

    /** What this fiber hands its scheduler (see {@link Task}); diagnostics look it up in the scheduler's registry. */
    public Task task() {
        return task;
    }

    /** The carrier this fiber is bound to by affinity, or -1 (no affinity, or not yet run). */
    public int homeCarrier() {
        return extras != null && extras.affinity ? extras.homeCarrier : -1;
    }

    @Override
    public long id() {
        long i = id;
        if (i == 0) {
            long fresh = IDS.incrementAndGet();
            long witness = (long) ID.compareAndExchange(this, 0L, fresh);
            i = witness == 0L ? fresh : witness;
        }
        return i;
    }

    @Override
    public String name() {
        return extras != null && extras.name != null ? extras.name : "fiber-" + id();
    }

    @Override
    public FiberScheduler scheduler() {
        return scheduler;
    }

    @Override
    public State state() {
        return switch (state) {
            case NEW -> State.NEW;
            case STARTED, RUNNABLE, UNPARKED -> State.RUNNABLE;
            case RUNNING, YIELDING, PARKING -> State.RUNNING;
            case PARKED, INSPECTED -> State.PARKED;
            case PINNED -> State.PINNED;
            default -> State.TERMINATED;
        };
    }

    @Override
    public boolean isDone() {
        return state == TERMINATED;
    }

    private static String stateName(int s) {
        return switch (s) {
            case NEW -> "NEW";
            case STARTED -> "STARTED";
            case RUNNABLE -> "RUNNABLE";
            case RUNNING -> "RUNNING";
            case YIELDING -> "YIELDING";
            case PARKING -> "PARKING";
            case PARKED -> "PARKED";
            case UNPARKED -> "UNPARKED";
            case PINNED -> "PINNED";
            case TERMINATED -> "TERMINATED";
            case INSPECTED -> "INSPECTED";
            default -> "state " + s;
        };
    }

    /**
     * The frames of this fiber while it is suspended (parked or yielded and not mounted), innermost
     * first; empty while it runs, before it starts and after it ends. The caller must make sure the
     * fiber cannot be mounted while the frames are read: the deterministic scheduler calls it on
     * its only carrier, between two tasks.
     */
    public StackTraceElement[] suspendedStackTrace() {
        return stackTrace();
    }

    // ----------------------------------------------------------------------------------------
    // Diagnostics (read by dev.weft.fiber.impl.diag; none of it is on a hot path)

    /**
     * Installs the diagnostics hook, or removes it ({@code null}). Fibers parked at the time
     * keep the blocker they recorded, and a park in progress reports to the observer it began
     * with.
     */
    public static void observe(FiberObserver o) {
        observer = o;
    }

    /**
     * What this fiber waits on while it parks: the channel, lock, latch or scope it waits in,
     * the fiber it joins, {@link #SLEEPING}, or the {@link FiberObserver}'s wrapper of one of
     * those; null when it is not parked or parked with no blocker ({@code Fiber.park()}). A
     * racy read: exact for a fiber that stays parked, otherwise a recent value.
     */
    public Object blocker() {
        return blocker;
    }

    /** The internal state's name (one of the transition table's), a racy read. */
    public String stateDetail() {
        return stateName(state);
    }

    /** The carrier thread this fiber is mounted on, or null; a racy read. */
    public Thread carrierThread() {
        return MountedCarrier.of(this);
    }

    /**
     * The stack of this fiber if it is parked (unmounted), read while it cannot mount (see the
     * class comment: an unpark meanwhile is deferred until the walk ends, then honoured); null if
     * it is not parked, or another dump holds it. Any thread.
     *
     * @throws InternalError if the JVM's walk fails (the fiber is resubmitted if it was unparked)
     */
    public StackTraceElement[] parkedStackTrace() {
        if (state != PARKED || !STATE.compareAndSet(this, PARKED, INSPECTED)) {
            return null;
        }
        try {
            return stackTrace();
        } finally {
            state = PARKED; // volatile: the inspecting half of the handshake with unpark(), as in afterRun()
            if (permit && STATE.compareAndSet(this, PARKED, UNPARKED)) {
                submit(false);
            }
        }
    }

    /** For example {@code Fiber[#12,worker,PARKED]}. */
    @Override
    public String toString() {
        return "Fiber[#" + id() + "," + name() + "," + state() + "]";
    }
}
