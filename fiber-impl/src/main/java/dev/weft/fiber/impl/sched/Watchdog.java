package dev.weft.fiber.impl.sched;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link CarrierPool}'s watchdog: one daemon thread that finds carriers blocked outside Weft
 * and starts compensating carriers for them, joins exited carriers and replaces dead ones
 * ({@link CarrierSlots}), and ends the pool's life once the carriers have stopped.
 *
 * <h2>Blocked carriers and compensation</h2>
 * A carrier can block outside Weft: in {@code Thread.sleep}, a {@code java.util.concurrent}
 * lock, blocking I/O, a monitor held by a suspended fiber, or a pinned park. Like Go's sysmon,
 * the watchdog looks at every carrier every millisecond while some look finds something to
 * watch, backing off to every 3 ms while the carriers keep switching tasks
 * ({@link WatchdogBackoff}, which also says what that costs in detection). A carrier still in the
 * same task is marked blocked when
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
 *       the stack of a carrier refused for that reason is looked at again every
 *       {@code BUSY_BLOCKED_NANOS}. The busy carrier keeps its fiber (there is no preemption);
 *       the queued fibers run beside it.</li>
 * </ul>
 * Whenever (at any tick) fewer than {@code parallelism} carriers are unblocked, compensating
 * carriers are started, at most {@code maxCompensating} at a time. At that bound (or when the JVM
 * cannot start another thread) the pool goes on with the carriers it has, starts more as soon as
 * some retire, and logs one warning ({@code System.Logger} {@code dev.weft.fiber.scheduler}): work
 * queued behind that many blocked carriers then waits until one of them comes back, and
 * deadlocks if all of them wait for it.
 *
 * <h2>Marks and the blocked count</h2>
 * {@link #blocked} counts the carriers whose {@code blockedSeq} mark is set. The watchdog counts
 * first, then marks; whoever clears a mark by CAS (the carrier when its task returns, or the
 * watchdog when it finds the marked task over) uncounts it, so each mark is uncounted exactly
 * once. A mark set just as the task returned is cleared by the watchdog at its next look (the
 * mark records the task it was set in).
 *
 * <h2>Parking</h2>
 * The watchdog parks once {@link #IDLE_LOOKS_BEFORE_PARKING} looks in a row have found every
 * carrier parked, so an idle scheduler burns no CPU; the carrier woken next unparks it
 * ({@link #wake()}, from {@code IdleCarriers.wokenUp}). It publishes {@link #parked} before its
 * last look at the idle count, and that carrier reads the flag after it uncounted itself, so one
 * of them sees the other. Until then it keeps looking at its usual interval, and nobody wakes
 * it: a service whose requests arrive a few milliseconds apart would otherwise have woken the
 * watchdog, a second thread, for every request, which made a task submitted to an idle pool
 * start about 20 us later on two cores ({@code dev.weft.bench.idle.WakeBreakdown}, see
 * docs/internals.md). Detection is as fast as between tasks: the looks go on at the same
 * interval.
 *
 * <p>Everything here but {@link #wake()}, {@link #unpark()}, {@link #unmarkBlocked},
 * {@link #blockedCount()} and {@link #intervalNanos()} runs on the watchdog thread only.
 */
final class Watchdog {
    /** Consecutive looks that find a carrier blocked in the same task before it counts as blocked (2-3 ms). */
    static final int STUCK_TICKS = 2;
    /**
     * How long a carrier may stay in one task, whatever its thread state, before it counts as
     * blocked: {@code weft.carrier.busyBlockedMillis}, default 10 ms (see the class comment).
     */
    static final long BUSY_BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("weft.carrier.busyBlockedMillis", 10L));

    /**
     * Consecutive looks that find every carrier parked before the watchdog parks too (see
     * "Parking"): 8 looks, 8 to 24 ms at the backed-off interval.
     */
    static final int IDLE_LOOKS_BEFORE_PARKING = 8;

    private final CarrierPool pool;
    private final Thread thread;
    private volatile boolean parked;
    /** Consecutive looks that found no carrier active. Watchdog only. */
    private int idleLooks;
    /** The interval between looks. Watchdog only. */
    private final WatchdogBackoff backoff = new WatchdogBackoff();
    /** Carriers marked blocked now; see the class comment. */
    private final AtomicInteger blocked = new AtomicInteger();
    /**
     * Carriers marked blocked only for computing long in one task may number at most this many
     * at a time ({@code weft.carrier.maxBusyCompensated}, default the parallelism): each gets a
     * stand-in.
     */
    private final int maxBusyCompensated;
    /** Carriers marked blocked for computing, counted at the start of each tick. */
    private int busyMarked;
    /** Whether the warning that compensation is at its bound was logged (once per pool). */
    private boolean boundReported;

    Watchdog(CarrierPool pool) {
        this.pool = pool;
        this.maxBusyCompensated = Integer.getInteger("weft.carrier.maxBusyCompensated", pool.parallelism);
        this.thread = Thread.ofPlatform().name("weft-" + pool.name + "-watchdog").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Waits for the watchdog thread to end (after the pool's termination latch, so at once). */
    void join() throws InterruptedException {
        thread.join();
    }

    /** Unparks the watchdog if it parked because every carrier was parked. Any thread. */
    void wake() {
        if (parked) {
            parked = false;
            LockSupport.unpark(thread);
        }
    }

    /** Unparks the watchdog whatever it waits for (a carrier died or the last one exited). Any thread. */
    void unpark() {
        LockSupport.unpark(thread);
    }

    /** Carriers marked blocked now. Any thread. */
    int blockedCount() {
        return blocked.get();
    }

    /** The current interval between looks, read racily (tests and diagnostics). */
    long intervalNanos() {
        return backoff.intervalNanos();
    }

    /** Clears {@code c}'s blocked mark and uncounts it, if it is set and this call is the one that clears it. Any thread. */
    void unmarkBlocked(Carrier c) {
        if (c.clearBlockedMark()) {
            blocked.decrementAndGet();
        }
    }

    private void run() {
        try {
            watchUntilStopped();
        } finally {
            pool.slots.joinExited();
            pool.watchdogEnding();
        }
    }

    private void watchUntilStopped() {
        CarrierSlots slots = pool.slots;
        while (!pool.stopping || slots.alive() > 0) {
            slots.joinExited();
            boolean anyActive = false;
            boolean watchful = false;
            busyMarked = countBusyMarked();
            Carrier[] carriers = slots.carriers;
            for (int i = 0, n = slots.slotLimit(); i < n; i++) {
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
            backoff.afterLook(watchful || blocked.get() > 0 || slots.anyExited());
            idleLooks = anyActive ? 0 : idleLooks + 1;
            if (idleLooks > IDLE_LOOKS_BEFORE_PARKING && !pool.stopping && !slots.anyExited()) { // a dead carrier not yet replaced: keep ticking
                parked = true;
                if (pool.idleCarriers.parked() >= slots.alive()) {
                    LockSupport.park(pool);
                }
                parked = false;
                backoff.reset();
            } else {
                LockSupport.parkNanos(pool, backoff.intervalNanos());
            }
        }
    }

    /** Logs, once per pool, that compensation has reached its bound. */
    void reportAtBound(String what) {
        if (boundReported) {
            return;
        }
        boundReported = true;
        try {
            System.getLogger("dev.weft.fiber.scheduler").log(System.Logger.Level.WARNING,
                    pool + ": " + what + "; " + blocked.get() + " carriers are blocked outside Weft"
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
                pool.releaseKeptWork(c);
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
        pool.releaseKeptWork(c);
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
        PoolObserver o = CarrierPool.observer();
        if (o != null) {
            CarrierPool.notify(() -> o.carrierBlocked(pool, c));
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

    /** Carriers marked blocked for computing in one task (not in a native call), see {@link #maxBusyCompensated}. */
    private int countBusyMarked() {
        Carrier[] carriers = pool.slots.carriers;
        int n = 0;
        for (int i = 0, limit = pool.slots.slotLimit(); i < limit; i++) {
            Carrier c = carriers[i];
            if (c != null && c.markedBusy && c.blockedSeq != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * After each look at the carriers: starts compensating carriers while fewer than
     * {@code parallelism} are unblocked. Decided at every tick, not only when a carrier is
     * marked: a compensating carrier can retire after the mark was counted (it saw the blocked
     * carrier still unmarked, so more than {@code parallelism} unblocked carriers), and the pool
     * would then stay short while the blocked carrier's work waits.
     */
    private void compensate() {
        CarrierSlots slots = pool.slots;
        while (!pool.stopping && blocked.get() > 0 && slots.unblockedCarriers() < pool.parallelism) {
            int slot = slots.freeSlot();
            if (slot < 0) {
                reportAtBound("all " + pool.maxCompensating + " compensating carriers are in use");
                return;
            }
            try {
                slots.startCarrier(slot, true, null);
                PoolObserver o = CarrierPool.observer();
                if (o != null) {
                    Carrier added = slots.carriers[slot];
                    int b = blocked.get();
                    CarrierPool.notify(() -> o.compensatingCarrierAdded(pool, added, b));
                }
            } catch (Throwable e) {
                reportAtBound("the JVM could not start another compensating carrier (" + e + ")");
                return; // try again at the next tick
            }
        }
    }
}
