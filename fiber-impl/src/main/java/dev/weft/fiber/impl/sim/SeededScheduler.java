package dev.weft.fiber.impl.sim;

import dev.weft.fiber.DeadlockException;
import dev.weft.fiber.DeterminismViolationException;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.SchedulerStats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The deterministic scheduler ({@link DeterministicScheduler}): one carrier, seeded choices,
 * virtual time, deadlock and escape detection.
 *
 * <h2>Implementation overview</h2>
 * <b>Threads.</b> {@link #run} starts the root fiber, then one carrier thread of its own
 * ({@link #carry}), and itself becomes the carrier's watch ({@link #watch}). The carrier is the only
 * thread that mounts fibers and runs timer actions, so the order of everything the fibers do is the
 * order of the carrier's decisions. A dedicated carrier (not the caller) lets the watch see the
 * carrier from outside: its thread state tells a carrier blocked in a real call from one running
 * code, and a blocked carrier can be freed (its fiber cancelled, the thread interrupted) so that the
 * run ends with a report instead of hanging.
 *
 * <p><b>State, and who touches it.</b> Everything below {@code lock} is guarded by it: the live
 * tasks (in number order, for the dump), the runnable list (in the order tasks became runnable:
 * the choice is an index into it, so it must not depend on hash codes), the timers, the trace, the
 * first violation. The carrier takes the lock for each decision and never holds it while a task
 * runs, so a fiber that submits or wakes another (on the carrier, from inside its task) takes it
 * afresh; a submission from any other thread during the run takes it too and is recorded as a
 * violation (the task is still queued, so nothing is lost before the run stops). {@link #now},
 * {@link #running} and {@link #stepCount} are volatile: the watch and {@link #nanoTime()} read
 * them from other threads without the lock. The lock is a monitor held only for a few field
 * operations, never across a park, so a fiber holding it never needs to unmount.
 *
 * <p><b>A step.</b> With the lock held: stop if a violation was recorded; take the timers due at
 * {@code now} (their actions then run outside the lock, on the carrier: a time-out's action
 * resubmits its fiber, which lands in the runnable list); if nothing is runnable, jump {@code now}
 * to the earliest deadline, or end the run (nothing live), or report a deadlock; else let the
 * {@link Choice} pick, record the {@link Step}, and run the task without the lock.
 *
 * <p><b>Why a run is reproducible.</b> Every input to a decision is a function of the seed and
 * of the run so far: the runnable list's order, the task numbers (assigned at first submission,
 * so the root fiber is {@code #1}), the labels (the fiber's given name, never its JVM-wide id),
 * virtual time (which moves only at decisions) and the timers' order (deadline, then request
 * order). Real time enters only the watch, which can end a run but never steer it.
 *
 * <p><b>Free-running mode</b> ({@link #freeLoop}): a scheduler that fibers are started on from
 * outside, with no {@code run}, gets a carrier of its own at the first such submission; what
 * arrives from outside waits in an inbox until the outside has settled. There real time can
 * steer (how long a submitting thread computes), which is why {@code run} is the way to get the
 * guarantees.
 */
public final class SeededScheduler implements DeterministicScheduler {

    /**
     * The most steps one run may take ({@code weft.deterministic.maxSteps}, default 10,000,000,
     * some seconds of a busy carrier): past it the run fails, since virtual time stands still and
     * a fiber that spins on {@code yield} until the clock moves would spin for good.
     */
    static final long MAX_STEPS = Long.getLong("weft.deterministic.maxSteps", 10_000_000L);

    /**
     * How long, in real milliseconds, the carrier may stay blocked in a call Weft does not own
     * before the run is stopped with a {@link DeterminismViolationException}
     * ({@code weft.deterministic.blockedMillis}, default 200). Shorter blocks go unseen; the
     * watch looks every quarter of it.
     */
    static final long BLOCKED_MILLIS = Math.max(4, Long.getLong("weft.deterministic.blockedMillis", 200L));

    /**
     * Free-running mode: how long, in real milliseconds, the carrier waits with live fibers, none
     * runnable, no time-out pending and nothing arriving from outside, before it takes that for a
     * deadlock ({@code weft.deterministic.idleDeadlockMillis}, default 1000): it logs the dump and
     * cancels the live fibers, so that threads joining them do not hang.
     */
    static final long IDLE_DEADLOCK_MILLIS = Math.max(1, Long.getLong("weft.deterministic.idleDeadlockMillis", 1000L));

    private static final System.Logger LOG = System.getLogger(SeededScheduler.class.getName());

    /** How long the watch waits for a carrier it tried to free before it gives up on it. */
    private static final long RESCUE_MILLIS = 2_000;

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    /** Fibers were started from outside, without {@link #run}: see {@link #freeLoop}. */
    private static final int FREE = 3;

    private final long seed;
    private final Strategy strategy;
    private final boolean replaying;
    private final FiberView view;
    private final Object lock = new Object();
    private final Choice choice;
    private final VirtualTimers timers = new VirtualTimers(lock);
    private final Clock clock = new VirtualClock(this, ZoneOffset.UTC);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /**
     * {@link #random()}: the fibers' own random choices (a select's pick), a stream apart from the
     * strategy's so that replaying a trace (which draws nothing for the schedule) repeats them too.
     * Used only on the carrier, by the mounted fiber.
     */
    private final SplittableRandom fiberRandom;

    // guarded by lock
    private final IdentityHashMap<Runnable, SimTask> fibers = new IdentityHashMap<>(); // lookup only, never iterated
    private final TreeMap<Integer, SimTask> live = new TreeMap<>();
    private final ArrayList<SimTask> runnable = new ArrayList<>();
    private final ArrayList<Step> steps = new ArrayList<>();
    private int numbers;
    private int runState = NEW;
    private boolean shutdown;
    private long pinnedParks;
    private DeterminismViolationException violation;
    /** Free-running mode: tasks submitted or woken from outside, in arrival order, not yet runnable. */
    private final ArrayList<SimTask> inbox = new ArrayList<>();
    /** Free-running mode: the threads that added to the inbox since it was last taken. */
    private final ArrayList<Thread> outside = new ArrayList<>();
    /** Free-running mode: inbox arrivals so far, and the real time of the last one. */
    private long arrivals;
    private long lastArrivalNanos;
    /** Free-running mode: whether a carrier thread is running (it ends when no fiber is left). */
    private boolean carrierAlive;
    /** The thread inside {@link #run} while it starts the root fiber: its submission is the run's first. */
    private Thread admitting;

    private volatile long now;
    private volatile Thread carrier;
    /** The task on the carrier, null between tasks; read by the watch. */
    private volatile SimTask running;
    /** Steps started so far; the watch tells one long block from several short ones by it. */
    private volatile long stepCount;
    /** What ended the carrier's loop early (deadlock, step limit, divergence), written before the carrier ends. */
    private volatile Throwable stop;
    private volatile Fiber<Void> root;

    public SeededScheduler(long seed, Strategy strategy, Trace replay, FiberView view) {
        this.seed = seed;
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.replaying = replay != null;
        this.view = Objects.requireNonNull(view, "view");
        this.choice = Choice.of(seed, strategy, replay);
        this.fiberRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    // ----------------------------------------------------------------------------------------
    // The run

    @Override
    public void run(Body body) throws Exception {
        Objects.requireNonNull(body, "body");
        Fiber<?> caller = Fiber.current();
        if (caller != null && caller.scheduler() == this) {
            throw new IllegalStateException("run() called from " + caller + ", a fiber of " + this + " itself");
        }
        Fiber<Void> r = Fiber.builder().name("main").scheduler(this).unstarted(() -> {
            body.run();
            return null;
        });
        Thread c = Thread.ofPlatform().name("weft-deterministic-" + seed).daemon(true).unstarted(this::carry);
        synchronized (lock) {
            if (runState == FREE) {
                throw new IllegalStateException(this + " is in use without run(): fibers were started on it from"
                        + " outside a run; call run() on a fresh scheduler");
            }
            if (shutdown && steps.isEmpty()) {
                throw new IllegalStateException(this + " was shut down before its run");
            }
            if (runState != NEW) {
                throw new IllegalStateException(this + " has already run; a deterministic scheduler runs once");
            }
            carrier = c;
            runState = RUNNING;
            admitting = Thread.currentThread();
        }
        root = r;
        try {
            r.start();
        } finally {
            synchronized (lock) {
                admitting = null;
            }
        }
        c.start();
        try {
            watch(c);
        } finally {
            synchronized (lock) {
                runState = DONE;
            }
            terminated.countDown();
        }
        DeterminismViolationException v;
        synchronized (lock) {
            v = violation;
        }
        if (v != null) {
            throw v; // the run was not the seed's: nothing else it did means anything
        }
        Throwable ended = stop;
        if (r.isDone()) {
            Throwable failure = failureOf(r);
            if (failure != null) {
                if (ended != null) {
                    failure.addSuppressed(ended);
                }
                throw rethrowable(failure);
            }
        }
        if (ended != null) {
            throw rethrowable(ended);
        }
    }

    private static Throwable failureOf(Fiber<?> f) throws InterruptedException {
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
            return e; // cancelled
        }
    }

    private static Exception rethrowable(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof Exception e ? e : new RuntimeException(t);
    }

    /** The carrier thread's body in a run. */
    private void carry() {
        try {
            loop();
        } catch (Throwable e) {
            stop = e;
        } finally {
            synchronized (lock) {
                runState = DONE;
            }
        }
    }

    /**
     * Under the lock: the task to run at {@code step} (the runnable list is not empty), recorded
     * in the trace; or a throw at the step limit.
     */
    private SimTask pick(int step, SimTask last) {
        if (step >= MAX_STEPS) {
            throw new IllegalStateException(this + " stopped after " + step + " steps (weft.deterministic.maxSteps):"
                    + " virtual time stands still while fibers are runnable, so a fiber that spins on yield"
                    + " waiting for time or for a thread never ends. Live fibers:\n"
                    + DeadlockDump.of(live.values(), view));
        }
        int size = runnable.size();
        SimTask next = runnable.remove(choice.pick(runnable, last, step, now));
        steps.add(new Step(step, next.label, size, now));
        if (!next.fiber) {
            live.remove(next.number);
        }
        return next;
    }

    /** Runs one picked task on the carrier, without the lock. */
    private void runTask(SimTask next, int step) {
        running = next;
        stepCount = step;
        try {
            next.task.run();
        } finally {
            running = null;
        }
    }

    private void loop() {
        int step = 0;
        SimTask last = null;
        while (true) {
            SimTask next;
            List<Runnable> due;
            synchronized (lock) {
                if (violation != null) {
                    return;
                }
                due = timers.takeDue(now);
                if (due.isEmpty()) {
                    if (runnable.isEmpty()) {
                        if (!timers.isEmpty()) {
                            now = timers.earliest(); // every fiber waits: jump to the next deadline
                            continue;
                        }
                        if (live.isEmpty()) {
                            return;
                        }
                        throw deadlock(step);
                    }
                    next = pick(step, last);
                } else {
                    next = null;
                }
            }
            if (next == null) {
                for (Runnable action : due) {
                    if (action != null) {
                        action.run(); // a time-out: resubmits its fiber
                    }
                }
                continue;
            }
            step++;
            runTask(next, step);
            last = next;
        }
    }

    /**
     * The carrier's loop in free-running mode: fibers were started from outside (a test thread
     * calling {@code Fiber.builder().scheduler(s).start(...)} and then {@code join}), with no
     * {@link #run}. Submissions and wake-ups from outside wait in the inbox and become runnable
     * only when every fiber inside waits (nothing runnable, no time-out due) and the outside has
     * settled: every thread that added to the inbox since it was last taken is waiting
     * ({@code WAITING}, {@code TIMED_WAITING}) or has ended, or {@link #BLOCKED_MILLIS} have
     * passed since the last arrival. A test thread that starts fibers and then joins them thus
     * hands them over as one batch, whatever the real timing; one that keeps computing between
     * submissions is cut off by the bound, which is where real time can leak into the run. The
     * virtual clock jumps when nothing inside can run and nothing from outside is waiting. With
     * live fibers, none runnable, no time-out and nothing arriving for
     * {@link #IDLE_DEADLOCK_MILLIS}, the dump is logged and the live fibers are cancelled. The
     * carrier ends when no fiber is left (the next submission starts another) or, after a
     * shutdown, when the last fiber has ended.
     */
    private void freeLoop() {
        int step;
        synchronized (lock) {
            step = steps.size();
        }
        SimTask last = null;
        while (true) {
            SimTask next = null;
            List<Runnable> due;
            List<Thread> settleOn = null;
            long settleArrivals = 0;
            List<FiberTask> cancelForDeadlock = null;
            synchronized (lock) {
                due = timers.takeDue(now);
                if (due.isEmpty()) {
                    if (!runnable.isEmpty()) {
                        next = pick(step, last);
                    } else if (!inbox.isEmpty()) {
                        if (System.nanoTime() - lastArrivalNanos >= TimeUnit.MILLISECONDS.toNanos(BLOCKED_MILLIS)) {
                            takeInbox();
                            continue;
                        }
                        settleOn = List.copyOf(outside);
                        settleArrivals = arrivals;
                    } else if (!timers.isEmpty()) {
                        now = timers.earliest();
                        continue;
                    } else if (live.isEmpty()) {
                        endFreeCarrier();
                        return;
                    } else {
                        long before = arrivals;
                        long since = System.nanoTime();
                        try {
                            lock.wait(IDLE_DEADLOCK_MILLIS);
                        } catch (InterruptedException e) {
                            // a stray interrupt of the carrier: look again
                        }
                        boolean quiet = arrivals == before && runnable.isEmpty() && timers.isEmpty() && !live.isEmpty();
                        if (quiet && System.nanoTime() - since >= TimeUnit.MILLISECONDS.toNanos(IDLE_DEADLOCK_MILLIS)) {
                            cancelForDeadlock = freeDeadlock(step);
                        } else {
                            continue;
                        }
                    }
                }
            }
            if (cancelForDeadlock != null) {
                for (FiberTask f : cancelForDeadlock) {
                    f.cancel(); // outside the lock: the cancel wakes the fiber, which takes the lock
                }
            } else if (settleOn != null) {
                // Thread states are read without the lock, so that a submitter is never seen
                // BLOCKED on it; the arrival count, checked again under the lock, says whether one
                // came meanwhile (then look again).
                if (settled(settleOn)) {
                    synchronized (lock) {
                        if (arrivals == settleArrivals) {
                            takeInbox();
                        }
                    }
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            } else if (next == null) {
                for (Runnable action : due) {
                    if (action != null) {
                        action.run();
                    }
                }
            } else {
                step++;
                runTask(next, step);
                last = next;
            }
        }
    }

    /** The free carrier thread's body: what ends its loop early (the step limit) is logged, not lost. */
    private void carryFree() {
        try {
            freeLoop();
        } catch (Throwable e) {
            stop = e;
            LOG.log(System.Logger.Level.WARNING, this + ": the carrier stopped; fibers still live are abandoned", e);
            synchronized (lock) {
                live.clear();
                runnable.clear();
                endFreeCarrier();
            }
        }
    }

    private static boolean settled(List<Thread> threads) {
        for (Thread t : threads) {
            Thread.State st = t.getState();
            if (st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING && st != Thread.State.TERMINATED) {
                return false;
            }
        }
        return true;
    }

    /** Under the lock: the inbox becomes runnable, in arrival order. */
    private void takeInbox() {
        runnable.addAll(inbox);
        inbox.clear();
        outside.clear();
    }

    /** Under the lock: the free carrier ends (no fiber left); after a shutdown, the scheduler terminates. */
    private void endFreeCarrier() {
        carrierAlive = false;
        carrier = null;
        if (shutdown) {
            runState = DONE;
            terminated.countDown();
        }
    }

    /** Under the lock: a deadlock in free-running mode is logged; returns the fibers to cancel. */
    private List<FiberTask> freeDeadlock(int step) {
        DeadlockException d = deadlock(step);
        LOG.log(System.Logger.Level.WARNING, d.getMessage() + "\nThe live fibers are cancelled.");
        List<FiberTask> all = new ArrayList<>();
        for (SimTask t : live.values()) {
            if (t.task instanceof FiberTask f) {
                all.add(f);
            }
        }
        return all;
    }

    /**
     * Under the lock, from a thread that is not the carrier, outside a run: the task waits in the
     * inbox, and a carrier is started if none is running (free-running mode).
     */
    private void arriveFromOutside(SimTask t) {
        inbox.add(t);
        Thread self = Thread.currentThread();
        if (!outside.contains(self)) {
            outside.add(self);
        }
        arrivals++;
        lastArrivalNanos = System.nanoTime();
        if (runState == NEW) {
            runState = FREE;
        }
        if (!carrierAlive) {
            carrierAlive = true;
            Thread c = Thread.ofPlatform().name("weft-deterministic-" + seed).daemon(true).unstarted(this::carryFree);
            carrier = c;
            c.start();
        } else {
            lock.notifyAll(); // a carrier waiting for the outside
        }
    }

    /** Under the lock: whether the caller submits from outside, with no run under way. */
    private boolean fromOutsideFreely() {
        Thread self = Thread.currentThread();
        return (runState == NEW || runState == FREE) && self != carrier && self != admitting;
    }

    private DeadlockException deadlock(int step) {
        Fiber<Void> r = root;
        String summary = "Deadlock at step " + step + ", virtual time " + seconds(now) + ", under " + this + ": "
                + live.size() + (live.size() == 1 ? " fiber is" : " fibers are") + " alive, none is runnable and no time-out"
                + " is pending" + (r != null && r.isDone() ? " (the root fiber has ended and left these blocked)" : "")
                + ". (A fiber that waits for a real thread, or for a fiber of another scheduler, ends here too: such a"
                + " wait escapes the deterministic scheduler.)";
        return new DeadlockException(summary, DeadlockDump.of(live.values(), view));
    }

    /**
     * Waits for the carrier, on the thread that called {@link #run}; stops a run whose carrier is
     * blocked outside Weft (see the class comment). Returns once the carrier has ended, or has been
     * given up on.
     */
    private void watch(Thread c) throws InterruptedException {
        long period = BLOCKED_MILLIS / 4;
        long seenStep = -1;
        long blockedSince = 0;
        long rescueStarted = 0;
        while (!c.join(Duration.ofMillis(period))) {
            SimTask r = running;
            Thread.State st = c.getState();
            boolean blocked = r != null && (st == Thread.State.BLOCKED || st == Thread.State.WAITING
                    || st == Thread.State.TIMED_WAITING);
            long s = stepCount;
            if (!blocked) {
                seenStep = -1;
            } else if (s != seenStep) {
                seenStep = s;
                blockedSince = System.nanoTime();
            } else if (System.nanoTime() - blockedSince >= TimeUnit.MILLISECONDS.toNanos(BLOCKED_MILLIS)) {
                Throwable where = new Throwable("the carrier's stack while it was blocked");
                where.setStackTrace(c.getStackTrace());
                violation(new DeterminismViolationException("the carrier of " + this + " was blocked for more than "
                        + BLOCKED_MILLIS + " ms of real time in a call Weft does not own (Thread.sleep, a java.util.concurrent"
                        + " lock or queue, blocking I/O, a future's get?), running " + r.label + " at step " + (s - 1)
                        + ": waits must go through Weft for the run to be reproducible. The cause shows where.", where));
            }
            boolean violated;
            synchronized (lock) {
                violated = violation != null;
            }
            if (violated) {
                if (rescueStarted == 0) {
                    rescueStarted = System.nanoTime();
                    Fiber<?> f = r != null ? view.fiberOf(r.task) : null;
                    if (f != null) {
                        f.cancel(); // ends a pinned park, and interrupts the carrier in a foreign call
                    }
                    c.interrupt();
                } else if (System.nanoTime() - rescueStarted > TimeUnit.MILLISECONDS.toNanos(RESCUE_MILLIS)) {
                    return; // the carrier stays blocked (a daemon thread); the report matters more
                }
            }
        }
    }

    /** Records the first violation; the carrier stops at its next decision. */
    private void violation(DeterminismViolationException v) {
        synchronized (lock) {
            if (violation == null) {
                violation = v;
            }
        }
    }

    /** Under the lock: a call that only the carrier may make during the run, made by another thread. */
    private void checkOnCarrier(String what, Runnable task) {
        Thread self = Thread.currentThread();
        if (runState == RUNNING && self != carrier && self != admitting) {
            SimTask t = task != null ? fibers.get(task) : null;
            Throwable where = new Throwable("the stack of the foreign call");
            String target = t != null ? t.label : task != null ? String.valueOf(task) : "";
            DeterminismViolationException v = new DeterminismViolationException("thread " + self.getName() + " called "
                    + what + "(" + target + ") on " + this + " during its run: only the carrier may submit or wake its fibers"
                    + " (a real thread, or a fiber of another scheduler, reached into the run), so the run cannot be"
                    + " reproduced from its seed. The cause shows where.", where);
            if (violation == null) {
                violation = v;
            }
        }
    }

    // ----------------------------------------------------------------------------------------
    // The FiberScheduler SPI

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            if (shutdown || runState == DONE) {
                throw new RejectedExecutionException(this + (shutdown ? " is shut down" : " has finished its run"));
            }
            checkOnCarrier("execute", null);
            boolean outsider = fromOutsideFreely();
            int number = ++numbers;
            SimTask t;
            if (task instanceof FiberTask) {
                t = new SimTask(task, number, label(number, view.fiberOf(task)), true);
                fibers.put(task, t);
            } else {
                t = new SimTask(task, number, "#" + number + " task", false);
            }
            live.put(number, t);
            choice.added(t);
            if (outsider) {
                arriveFromOutside(t);
            } else {
                runnable.add(t);
            }
        }
    }

    private static String label(int number, Fiber<?> f) {
        if (f == null) {
            return "#" + number;
        }
        String name = f.name();
        // A fiber without a given name is called fiber-<its JVM-wide id>, which differs from run to run.
        return name.equals("fiber-" + f.id()) ? "#" + number : "#" + number + " " + name;
    }

    @Override
    public void resume(Runnable fiber) {
        resume(fiber, false);
    }

    @Override
    public void resumeYielded(Runnable fiber) {
        resume(fiber, true);
    }

    private void resume(Runnable fiber, boolean yielded) {
        Objects.requireNonNull(fiber, "fiber");
        synchronized (lock) {
            if (runState == DONE) {
                return; // a foreign wake-up of a fiber the run left behind: nothing runs it any more
            }
            checkOnCarrier(yielded ? "resumeYielded" : "resume", fiber);
            SimTask t = fibers.get(fiber);
            if (t == null) {
                throw new IllegalStateException(fiber + " was resumed on " + this + ", which never started it");
            }
            if (fromOutsideFreely()) {
                arriveFromOutside(t);
                return;
            }
            runnable.add(t);
            if (yielded) {
                choice.yielded(t, runnable);
            }
        }
    }

    @Override
    public void fiberTerminated(Runnable fiber) {
        synchronized (lock) {
            SimTask t = fibers.remove(fiber);
            if (t != null) {
                live.remove(t.number);
            }
        }
    }

    @Override
    public void fiberPinned(Runnable fiber, boolean park) {
        synchronized (lock) {
            pinnedParks += park ? 1 : 0;
            if (park && violation == null) {
                SimTask t = fibers.get(fiber);
                violation = new DeterminismViolationException((t != null ? t.label : String.valueOf(fiber))
                        + " could not unmount at a park (it holds a monitor, or has a native frame on its stack), so it"
                        + " blocks the only carrier of " + this + " until a real thread wakes it. The cause shows where.",
                        new Throwable("the stack of the pinned park"));
            }
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public RandomGenerator random() {
        return fiberRandom;
    }

    @Override
    public Wakeup wakeAt(long deadline, Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (lock) {
            checkOnCarrier("wakeAt", null);
            return timers.add(deadline, action);
        }
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            if (runState == NEW || (runState == FREE && !carrierAlive)) {
                runState = DONE;
                terminated.countDown();
            } else if (runState == FREE) {
                lock.notifyAll(); // the free carrier ends once its last fiber has
            }
        }
    }

    @Override
    public void shutdownNow() {
        shutdown();
        List<FiberTask> toCancel = new ArrayList<>();
        synchronized (lock) {
            for (SimTask t : live.values()) {
                if (t.task instanceof FiberTask f) {
                    toCancel.add(f);
                }
            }
        }
        for (FiberTask f : toCancel) {
            f.cancel(); // outside the lock: the cancel wakes the fiber, which takes the lock
        }
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown || runState == DONE;
        }
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.currentThread() == carrier) {
            throw new IllegalStateException("awaitTermination called on the carrier of " + this + ": it could never end");
        }
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public SchedulerStats stats() {
        synchronized (lock) {
            return new SchedulerStats(toString(), runState == RUNNING ? 1 : 0, 1, 0, 0, steps.size(), 0,
                    runnable.size(), pinnedParks);
        }
    }

    // ----------------------------------------------------------------------------------------
    // DeterministicScheduler

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Strategy strategy() {
        return strategy;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Trace trace() {
        synchronized (lock) {
            return new Trace(seed, strategy, steps);
        }
    }

    @Override
    public String toString() {
        return "DeterministicScheduler[seed=" + seed + ", " + strategy + (replaying ? ", replay" : "") + "]";
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.9fs", nanos / 1e9);
    }

    /** {@link #clock()}: the epoch plus the virtual time. */
    private static final class VirtualClock extends Clock {
        private final SeededScheduler scheduler;
        private final ZoneId zone;

        VirtualClock(SeededScheduler scheduler, ZoneId zone) {
            this.scheduler = scheduler;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return zone.equals(this.zone) ? this : new VirtualClock(scheduler, zone);
        }

        @Override
        public Instant instant() {
            return Instant.EPOCH.plusNanos(scheduler.now);
        }

        @Override
        public String toString() {
            return "VirtualClock[" + scheduler + ", " + seconds(scheduler.now) + ", " + zone + "]";
        }
    }
}
