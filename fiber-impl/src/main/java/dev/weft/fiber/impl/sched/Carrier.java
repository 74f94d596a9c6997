package dev.weft.fiber.impl.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A carrier thread of a {@link CarrierPool}: it loops, taking a task from the pool's queues
 * ({@link CarrierPool#findWork}) and running it ({@link CarrierPool#runTask}), and waits through
 * {@link IdleCarriers} when there is none. A scheduler subclasses it to hang its own queues on it
 * ({@link CarrierPool#newCarrier}).
 *
 * <h2>Who writes what</h2>
 * <ul>
 *   <li>Written only by this carrier: {@link #taskSeq} and {@link #steals} (opaque stores, read
 *       racily by the watchdog and by {@link CarrierPool#stats()}), {@link #spawns},
 *       {@link #counted}.</li>
 *   <li>{@link #parkState}: this carrier sets {@code PARKED}; a waker CASes it from
 *       {@code PARKED} to {@code WOKEN}, and the carrier itself moves it back to {@code ACTIVE}
 *       and uncounts itself from the idle count, exactly once ({@link IdleCarriers}).</li>
 *   <li>{@link #blockedSeq}: set by the watchdog only (from 0), cleared by CAS by this carrier or
 *       the watchdog ({@link Watchdog}).</li>
 *   <li>The {@code seen...}, {@link #markedBusy} and {@link #stuckTicks} fields: the watchdog's
 *       own bookkeeping, touched by no other thread.</li>
 * </ul>
 */
public class Carrier extends Thread {
    static final int ACTIVE = 0;
    static final int PARKED = 1;
    /** Unparked by a waker; the carrier has not yet uncounted itself from the idle count. */
    static final int WOKEN = 2;

    private static final VarHandle PARK_STATE;
    private static final VarHandle TASK_SEQ;
    private static final VarHandle STEALS;
    private static final VarHandle BLOCKED_SEQ;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PARK_STATE = l.findVarHandle(Carrier.class, "parkState", int.class);
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

    /** Fibers this carrier started, a stripe hint for {@link LiveTasks}; written by this carrier only. */
    int spawns;

    /** Set as this carrier exits, before it clears its own blocked mark (see {@link Watchdog}'s look). */
    volatile boolean gone;
    /** Set (before {@link #gone}) when this carrier's thread died of something its loop did not catch. */
    volatile boolean died;

    static final int NOT_COUNTED = 0;
    static final int SPINNING = 1;
    /** Whether this carrier is counted in {@link IdleCarriers}' spinning count; this carrier only, read as it exits. */
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

    /**
     * @param pool         the pool this carrier works for
     * @param index        its slot in the pool's carrier array
     * @param compensating whether it is a stand-in for a blocked carrier
     * @param predecessor  the dead carrier of this slot that this one replaces, or null
     */
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
                    t = pool.idleCarriers.awaitWork(this);
                    if (t == null) {
                        died = false;
                        break;
                    }
                }
                pool.runTask(this, t);
            }
        } finally {
            pool.counters.carrierRetired(tasksRun(), steals);
            pool.slots.carrierExited(this, died);
        }
    }
}
