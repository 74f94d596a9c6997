package dev.weft.fiber.impl.timer;

import dev.weft.fiber.FiberScheduler;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs wake-up actions at their deadlines, for Weft's schedulers'
 * {@link FiberScheduler#wakeAt(long, Runnable)}: one daemon thread, {@code weft-timer}, that owns
 * an indexed binary heap of {@link Timeout}s ({@link TimerHeap}) and is fed by an MPSC queue. It
 * knows nothing of fibers: the fiber core hands it a {@code Runnable} that ends one timed park.
 *
 * <h2>Implementation overview</h2>
 * <b>Structure.</b> Any thread schedules a wake-up by putting a {@link Timeout} on an MPSC queue
 * (JCTools, the atomic flavour, which prints no JDK warning); the timeout is the request, so a
 * wake-up allocates that one object beside its action. Only the timer thread touches the heap:
 * it drains the queue into it, expires the due timeouts from its root by running their
 * actions, and parks until the root's deadline, or for good when the
 * heap is empty. It never ticks: while only far-off timers are pending it sleeps through until
 * the first of them (or until requests pile up, below). A thousand timeouts on one deadline are
 * a thousand heap slots, like a thousand on different ones.
 *
 * <p><b>Why not a timer wheel.</b> This class used Agrona's {@code DeadlineTimerWheel} until the
 * review of issue 10: its ticks all share one array width, which doubles when one tick overflows
 * and never shrinks (1024 x nextPow2(timers in the fullest tick) longs), so 70,000 sleeps on one
 * deadline asked for 1 GiB and an {@link OutOfMemoryError} killed this thread, and with it every
 * later {@code Fiber.sleep} of the JVM; and a wheel is driven by its tick, which cost the thread
 * a wake-up a millisecond while anything at all was pending. A hierarchical wheel with linked
 * buckets (Netty's {@code HashedWheelTimer}, Kafka's timing wheels) fixes the memory but still
 * ticks, or needs a search for the next non-empty bucket. A heap keeps the next deadline at its
 * root, costs O(log n) per schedule, expiry and cancel on the timer thread only (about 20 levels
 * for a million timers), and its memory is one slot per timer.
 *
 * <p><b>Cancel.</b> A timed park that ends early (an unpark, interrupt or cancel of the fiber)
 * calls {@link #cancel(Timeout)}, which does two things. First it takes the action out of the
 * timeout (an atomic {@code getAndSet} of {@link Timeout#action} to null): from that instant the
 * timer no longer reaches the action (and the fiber it would wake), so an ended fiber is
 * collectable at once, whatever the timer thread is doing. The timer thread takes the action with
 * the same {@code getAndSet} before it runs it, so exactly one of the two sides gets it: a cancel
 * that finds null knows the timer fired (or is firing) and does nothing more. Second, it puts the timeout on the request queue
 * once more; the timer thread, finding a queued timeout with no action, removes it from the heap
 * by its index (O(log n)), or never inserts it if the cancel overtook the schedule in one drain.
 * As in Netty's {@code HashedWheelTimer} (its cancelled-timeouts queue), a cancel is a message to
 * the owner, not a shared-structure edit.
 *
 * <p><b>Waking the timer thread (no lost wake-up).</b> Before parking, the timer thread publishes
 * {@code wakeAt}, {@code sleepingForever} and then {@code sleeping} (volatile), and re-reads the
 * queue; a producer offers (a volatile write inside the queue) and then reads {@code sleeping},
 * then {@code wakeAt}. Volatile accesses are sequentially consistent, so either the timer thread
 * sees the request or the producer sees that it sleeps, and with it the {@code wakeAt} it sleeps
 * until (written before {@code sleeping}). The producer then unparks the timer thread only if
 * (a) the new deadline is earlier than {@code wakeAt}, or (b) the queue holds
 * {@code drainThreshold} requests or more. Rule (b) bounds what a sleeping timer leaves
 * undrained: a million timed parks of 60 s that end early are drained and removed in batches of
 * about {@value #DEFAULT_DRAIN_THRESHOLD}, each a few kilobytes, not held until the first of
 * them is due. Most requests thus cost one queue offer and no unpark. The queue's {@code size()}
 * is two volatile reads of its indices.
 *
 * <p><b>Failure isolation.</b> The thread is shared by every fiber of the JVM, so it must never
 * die. Each wake-up runs in its own {@code try} (a third-party scheduler may refuse to resume its
 * fiber, for instance after shutdown), and the whole loop body runs in another, so an
 * {@link OutOfMemoryError} or a failing log handler cannot end it either; after a failure outside
 * a wake-up the thread pauses {@value #FAILURE_PAUSE_MILLIS} ms, so a persisting shortage of
 * memory does not turn it into a busy loop. No request is lost to a failure: the heap grows
 * before a request is taken off the queue ({@link TimerHeap#reserve()}). What was caught is
 * reported through {@link System.Logger} {@code dev.weft.fiber.timer} at ERROR with its stack
 * trace; further failures within {@value #REPORT_INTERVAL_SECONDS} s of a report are counted and
 * the count goes into the next report, so a shut-down scheduler with many sleeping fibers costs
 * the log one entry, not one per fiber. The interrupt status of the timer thread is cleared at
 * every round: left set, it would make every park return at once.
 *
 * <p><b>Races left in on purpose.</b> An action that runs just as its park ends early wakes a
 * fiber that may already be back in a later park: the fiber core's action compares the park's
 * sequence number, and in the rare case it still matches, leaves a permit (a spurious wake-up,
 * which park's contract allows).
 *
 * <p><b>Resolution.</b> The thread parks until the earliest deadline with
 * {@link LockSupport#parkNanos}, so a fiber wakes at or after its deadline, late by the OS's timer
 * slack and the time to reach a carrier; timeouts due together are expired in one wake-up.
 */
public final class DeadlineTimer {
    private static final System.Logger LOG = System.getLogger("dev.weft.fiber.timer");

    /** Requests that make a sleeping timer thread drain its queue; see "Waking the timer thread". */
    static final int DEFAULT_DRAIN_THRESHOLD = 1024;
    /** Requests taken off the queue per round at most, so a flood of them cannot hold up due expiries. */
    private static final int DRAIN_LIMIT = 1 << 16;
    private static final long FAILURE_PAUSE_MILLIS = 1;
    private static final long REPORT_INTERVAL_SECONDS = 60;

    private static final VarHandle WAKE_UPS;
    private static final VarHandle FAILURES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAKE_UPS = l.findVarHandle(DeadlineTimer.class, "wakeUps", long.class);
            FAILURES = l.findVarHandle(DeadlineTimer.class, "failures", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One timed wake-up: the request on the queue, the entry in the heap, and the handle its
     * owner cancels with. 32 bytes with compressed references.
     */
    public static final class Timeout implements FiberScheduler.Wakeup {
        /** {@link #index} of a timeout not yet in the heap. */
        static final int NEW = -1;
        /** {@link #index} of a timeout that left the heap (expired or removed) or never will enter it. */
        static final int DONE = -2;

        private static final VarHandle ACTION;

        static {
            try {
                ACTION = MethodHandles.lookup().findVarHandle(Timeout.class, "action", Runnable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** {@link System#nanoTime()} scale. Written before the publishing offer. */
        final long deadline;
        private final DeadlineTimer timer;
        /** What to run, until the timer or a cancel takes it ({@link #takeAction}). */
        private volatile Runnable action;
        /** Slot in the heap, or {@link #NEW} or {@link #DONE}; owned by the timer thread. */
        int index = NEW;

        Timeout(long deadline, Runnable action, DeadlineTimer timer) {
            this.deadline = deadline;
            this.action = action;
            this.timer = timer;
        }

        /** Takes the action out; exactly one caller gets it, every later one gets null. */
        Runnable takeAction() {
            // A volatile read first: a cancel after the timer fired (every timed park that ran
            // its course) then costs no atomic instruction.
            return action == null ? null : (Runnable) ACTION.getAndSet(this, null);
        }

        /** Whether a cancel or the expiry has taken the action. */
        boolean isSpent() {
            return action == null;
        }

        /** As {@link DeadlineTimer#cancel(Timeout)}. */
        @Override
        public boolean cancel() {
            return timer.cancel(this);
        }
    }

    private static final class Holder {
        static final DeadlineTimer SHARED = new DeadlineTimer("weft-timer");
    }

    private final MpscUnboundedAtomicArrayQueue<Timeout> requests = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final int drainThreshold;
    private final Thread thread;
    /** While {@link #sleeping}: the time the timer thread will wake by itself; meaningless if {@link #sleepingForever}. */
    private volatile long wakeAt;
    private volatile boolean sleepingForever;
    private volatile boolean sleeping;

    // Owned by the timer thread.
    private final TimerHeap heap = new TimerHeap();
    private long lastReportNanos;
    private boolean reportedOnce;
    private long unreported;
    /** Parks that ended (by time, unpark or spuriously): written by the timer thread with opaque stores. */
    private long wakeUps;
    /** Failures caught (in a wake-up or the loop): written by the timer thread with opaque stores. */
    private long failures;

    private DeadlineTimer(String threadName) {
        this(threadName, DEFAULT_DRAIN_THRESHOLD);
    }

    /** A timer of its own with its own thread, for tests; {@code drainThreshold} as in the class comment. */
    DeadlineTimer(String threadName, int drainThreshold) {
        if (drainThreshold < 1) {
            throw new IllegalArgumentException("drainThreshold must be positive: " + drainThreshold);
        }
        this.drainThreshold = drainThreshold;
        thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** The JVM-wide timer, started on first use. */
    public static DeadlineTimer shared() {
        return Holder.SHARED;
    }

    /**
     * Runs {@code action} on the timer thread at or soon after {@code deadline}
     * ({@link System#nanoTime()} scale), unless {@link #cancel cancelled} first. The action must
     * be short and must not block (it holds up every other wake-up of the JVM); what it throws is
     * reported and does not stop the timer. Any thread.
     *
     * @return the handle that cancels it
     * @throws NullPointerException if {@code action} is null
     */
    public Timeout schedule(long deadline, Runnable action) {
        Timeout t = new Timeout(deadline, java.util.Objects.requireNonNull(action, "action"), this);
        requests.offer(t);
        if (sleeping && (sleepingForever || deadline - wakeAt < 0 || requests.size() >= drainThreshold)) {
            LockSupport.unpark(thread);
        }
        return t;
    }

    /**
     * Cancels {@code t}, a timeout of this timer: its action is no longer reachable from the
     * timer when this returns, and the timeout leaves the heap at the timer thread's next drain.
     * Any thread; at most one atomic instruction and one queue offer.
     *
     * @return true if this cancelled it, false if it had fired (or was being fired) or was cancelled already
     */
    public boolean cancel(Timeout t) {
        if (t.takeAction() == null) {
            return false;
        }
        requests.offer(t);
        if (sleeping && requests.size() >= drainThreshold) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * Timeouts scheduled and not yet expired or removed, an estimate (for tests and diagnostics):
     * it counts a cancelled timeout until the timer thread has removed it, and a cancel request
     * still queued once more.
     */
    public int pendingEstimate() {
        return requests.size() + heap.sizeOpaque();
    }

    /** How many times the timer thread's park has returned, for tests: a ticking timer shows here. */
    long wakeUps() {
        return (long) WAKE_UPS.getOpaque(this);
    }

    /** How many failures the timer thread has caught, for tests. */
    long failures() {
        return (long) FAILURES.getOpaque(this);
    }

    /** The timer thread, for tests. */
    Thread thread() {
        return thread;
    }

    private void loop() {
        while (true) {
            try {
                round();
            } catch (Throwable e) {
                failed("the timer loop", null, e);
                pauseAfterFailure();
            }
        }
    }

    /** Drains requests, expires due timeouts, and parks until the next deadline if nothing is queued. */
    private void round() {
        Thread.interrupted(); // an interrupt left set would make every park below return at once
        drainRequests();
        expireDue(System.nanoTime());
        heap.trimIfSparse();
        Timeout first = heap.peek();
        boolean forever = first == null;
        if (!forever) {
            wakeAt = first.deadline;
        }
        sleepingForever = forever;
        sleeping = true; // volatile: the timer's half of the handshake with schedule() and cancel()
        try {
            if (requests.isEmpty()) {
                if (forever) {
                    LockSupport.park(this);
                    WAKE_UPS.setOpaque(this, wakeUps + 1);
                } else {
                    long left = first.deadline - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(this, left);
                        WAKE_UPS.setOpaque(this, wakeUps + 1);
                    }
                }
            }
        } finally {
            sleeping = false;
        }
    }

    private void drainRequests() {
        for (int n = 0; n < DRAIN_LIMIT; n++) {
            heap.reserve(); // before the poll: if this runs out of memory, the request stays queued
            Timeout t = requests.poll();
            if (t == null) {
                return;
            }
            if (t.index >= 0) {
                // In the heap already, so this is the request of its cancel.
                if (t.isSpent()) {
                    heap.remove(t);
                }
            } else if (t.index == Timeout.NEW) {
                if (t.isSpent()) {
                    t.index = Timeout.DONE; // cancelled before it reached the heap; its cancel request follows
                } else {
                    heap.add(t);
                }
            }
            // DONE: a cancel request of a timeout that has already left the heap.
        }
    }

    private void expireDue(long now) {
        Timeout t;
        while ((t = heap.peek()) != null && t.deadline - now <= 0) {
            heap.poll();
            Runnable action = t.takeAction();
            if (action != null) {
                try {
                    action.run();
                } catch (Throwable e) {
                    // One scheduler refusing to resume its fiber must not stop every other
                    // fiber's timers: report it and go on.
                    failed("a wake-up", action, e);
                }
            }
        }
    }

    /** Counts and reports a failure; never throws (a failing log handler is one more failure swallowed). */
    private void failed(String what, Object subject, Throwable e) {
        FAILURES.setOpaque(this, failures + 1);
        try {
            long now = System.nanoTime();
            if (reportedOnce && now - lastReportNanos < TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS)) {
                unreported++;
                return;
            }
            reportedOnce = true;
            lastReportNanos = now;
            long more = unreported;
            unreported = 0;
            LOG.log(System.Logger.Level.ERROR, "weft-timer: " + what + (subject != null ? " (" + describe(subject) + ")" : "")
                    + " failed; the timer carries on"
                    + (more > 0 ? " (and " + more + " more failures since the last report)" : ""), e);
        } catch (Throwable reportFailure) {
            // Nothing left to tell it to: the logger itself failed, or there is no memory to build the message.
        }
    }

    /** The subject's {@code toString()}, or its class if that throws (user code may be behind it). */
    private static String describe(Object subject) {
        try {
            return String.valueOf(subject);
        } catch (Throwable e) {
            return subject.getClass().getName();
        }
    }

    private static void pauseAfterFailure() {
        try {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(FAILURE_PAUSE_MILLIS));
        } catch (Throwable ignored) {
            // parkNanos does not throw; the loop must not end even if it did
        }
    }
}
