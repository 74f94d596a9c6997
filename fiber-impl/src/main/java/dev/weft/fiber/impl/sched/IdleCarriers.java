package dev.weft.fiber.impl.sched;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * How a {@link CarrierPool}'s carriers wait when they find no work, and how they are woken: the
 * idle/wake protocol.
 *
 * <h2>Spin, then park</h2>
 * A carrier that finds no task <em>spins</em> for a short while ({@link #SPIN_NANOS},
 * re-scanning the queues with a growing pause between scans), then <em>parks</em>. Waking a
 * parked core costs about 30 us on the virtual machines Weft is developed on, so the spin covers
 * the common short gap between a fiber parking and another waking it.
 *
 * <h2>No lost wake-up</h2>
 * Work sources call {@link #signalWork()}, which wakes one parked carrier when some are parked
 * and none is spinning (a spinning carrier will find the work; when it does, it was the last
 * spinner and more work is queued, it signals again, so parallelism ramps up one carrier at a
 * time, as in Go's scheduler). A parking carrier publishes {@code parkState = PARKED} and increments
 * {@link #idle} (volatile), then re-checks every queue it could take from; a submitter makes its
 * task visible with a volatile write, then reads {@code idle} and {@code spinning}. Volatile
 * accesses are sequentially consistent, so either the carrier's re-check sees the task or the
 * submitter sees the parked carrier. A spinner that finds work and was the last one looks again
 * after it stops counting itself, and signals if work is left beside what it took: a submitter
 * that saw it still spinning did not signal, so its task is either seen by that look (its
 * volatile write came before its read of {@code spinning}, which came before the decrement) or
 * was offered after the decrement, when that submitter saw no spinner and signalled itself. A
 * single task therefore wakes a single carrier. A waker CASes the carrier's {@code parkState}
 * from PARKED to WOKEN and unparks it; only the carrier itself leaves PARKED for ACTIVE (on its
 * re-check, on retiring) or WOKEN for ACTIVE, and only it decrements {@code idle}, once per
 * park. A push to a carrier's own local queue skips the full fence: the owner itself will run
 * that task.
 *
 * <p>A submitter that finds {@code idle > 0} but no carrier PARKED (they are all WOKEN, not yet
 * uncounted) wakes nobody, which loses nothing: it read WOKEN before the carrier wrote ACTIVE,
 * and the carrier looks at the queues after that write, so it sees the task.
 *
 * <h2>Who wakes the watchdog</h2>
 * The watchdog parks after some looks that found every carrier parked ({@link Watchdog}). The
 * carrier woken wakes it, after it has uncounted itself ({@link #wokenUp}), not the waker, whose
 * path stays one {@code unpark} long. The watchdog publishes {@code parked} before its last read
 * of {@code idle}; the carrier decrements {@code idle} before it reads {@code parked}: one of
 * them sees the other.
 *
 * <h2>Retiring stand-ins</h2>
 * A compensating carrier retires when, on going idle, the unblocked carriers number more than
 * the parallelism, or when that becomes true while it is parked (it looks every
 * {@link #KEEP_ALIVE_NANOS}); a stand-in for a carrier that is still blocked stays, parked,
 * rather than retire and be started again at the watchdog's next tick. A carrier with affinity
 * fibers bound to it never retires.
 *
 */
final class IdleCarriers {

    /** How long an idle carrier keeps scanning before it parks: {@code weft.carrier.spinNanos}, default 20 us. */
    static final long SPIN_NANOS = Long.getLong("weft.carrier.spinNanos", 20_000L);
    /** How long an idle compensating carrier waits for work before it retires. */
    static final long KEEP_ALIVE_NANOS = 1_000_000_000L;

    private final CarrierPool pool;
    /** Carriers parked (parkState PARKED and counted); see the class comment. */
    final AtomicInteger idle = new AtomicInteger();
    /** Carriers spinning in {@link #awaitWork}. */
    final AtomicInteger spinning = new AtomicInteger();

    IdleCarriers(CarrierPool pool) {
        this.pool = pool;
    }

    /** Wakes a parked carrier if there is one and no carrier is spinning. Any thread. */
    void signalWork() {
        if (idle.get() > 0 && spinning.get() == 0) {
            wakeOne();
        }
    }

    private void wakeOne() {
        Carrier[] cs = pool.carriers;
        int n = pool.slots.slotLimit();
        // ThreadLocalRandom may read a stale carrier's seed inside a migrated fiber; any start will do
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Carrier c = cs[(start + i) % n];
            if (c != null && wakeIfParked(c)) {
                return;
            }
        }
    }

    /**
     * Wakes {@code c} if it is parked (and nobody woke it first). Any thread. Returns whether this
     * call woke it.
     */
    boolean wakeIfParked(Carrier c) {
        if (c.parkState == Carrier.PARKED && c.casParkState(Carrier.PARKED, Carrier.WOKEN)) {
            LockSupport.unpark(c); // the carrier uncounts itself and wakes the watchdog (wokenUp)
            return true;
        }
        return false;
    }

    /**
     * Called by carrier {@code c} once a waker has set it WOKEN: it is active again, no longer
     * idle, and the watchdog must watch it (see "Who wakes the watchdog").
     */
    private void wokenUp(Carrier c) {
        c.parkState = Carrier.ACTIVE; // from WOKEN, which only this carrier leaves
        idle.decrementAndGet();
        pool.watchdog.wake();
    }

    /**
     * Called by carrier {@code c} when it found no work: spins, then parks.
     *
     * @return a task, or null if {@code c} should exit (shutdown, or a compensating carrier retiring)
     */
    Runnable awaitWork(Carrier c) {
        while (true) {
            spinning.incrementAndGet();
            c.counted = Carrier.SPINNING;
            Runnable t = null;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int pauses = 1;
            do {
                t = pool.findWork(c);
                if (t != null || pool.stopping) {
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
            if (spinning.decrementAndGet() == 0 && t != null && pool.hasVisibleWork(c)) {
                // We were the last spinner and work is left beside what we took: a submitter
                // that saw us spinning did not signal for it (see "No lost wake-up").
                signalWork();
            }
            if (t != null) {
                return t;
            }
            if (pool.stopping) {
                return null;
            }
            if (c.compensating && c.boundFibers.get() == 0 && pool.slots.unblockedCarriers() > pool.parallelism) {
                // The carrier it stood in for is back. A submitter that saw this carrier
                // spinning did not wake anyone, so look once more (after the decrement above,
                // which orders this read after that submit) before leaving.
                if (pool.hasVisibleWork(c)) {
                    continue;
                }
                return null;
            }
            c.parkState = Carrier.PARKED;
            idle.incrementAndGet();
            if (pool.hasVisibleWork(c) || pool.stopping) {
                if (c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                    idle.decrementAndGet();
                    pool.watchdog.wake(); // it may have parked while it counted this carrier as idle
                } else {
                    wokenUp(c); // a waker came first
                }
                continue;
            }
            long parkedAt = System.nanoTime();
            while (c.parkState == Carrier.PARKED && !pool.stopping) {
                if (c.compensating) {
                    LockSupport.parkNanos(pool, KEEP_ALIVE_NANOS);
                    // Retire only if no longer needed: a stand-in for a carrier that is still
                    // blocked would be started again at the watchdog's next tick (thread churn).
                    if (System.nanoTime() - parkedAt >= KEEP_ALIVE_NANOS && c.boundFibers.get() == 0
                            && pool.slots.unblockedCarriers() > pool.parallelism
                            && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                        idle.decrementAndGet();
                        if (pool.hasVisibleWork(c)) {
                            // Work arrived as it timed out: take it before retiring. It woke
                            // itself, so nobody woke the watchdog, which may have parked while
                            // this carrier was idle; it must watch this carrier's work.
                            pool.watchdog.wake();
                            break;
                        }
                        return null;
                    }
                } else {
                    LockSupport.park(pool);
                }
            }
            if (c.parkState == Carrier.PARKED && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
                idle.decrementAndGet(); // left because of stopping
            } else if (c.parkState == Carrier.WOKEN) {
                wokenUp(c);
            }
        }
    }

    /**
     * Uncounts a carrier that exits while counted as spinning or parked (its loop threw there).
     * Called by the exiting carrier.
     */
    void carrierExiting(Carrier c) {
        if (c.counted == Carrier.SPINNING) {
            spinning.decrementAndGet();
        }
        if (c.parkState == Carrier.PARKED && c.casParkState(Carrier.PARKED, Carrier.ACTIVE)) {
            idle.decrementAndGet();
        } else if (c.parkState == Carrier.WOKEN) {
            c.parkState = Carrier.ACTIVE;
            idle.decrementAndGet();
        }
    }

    /** Carriers parked idle now. */
    int parked() {
        return idle.get();
    }
}
