package dev.weft.fiber.impl.sched;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The life cycle of a {@link CarrierPool}'s carriers: the slots they live in, starting them,
 * their exit, and the replacement of one that died.
 *
 * <h2>Slots</h2>
 * Slots {@code 0..parallelism-1} of {@link #carriers} hold the core carriers; compensating
 * carriers take free slots above ({@link #freeSlot}). Scans over the carriers (stealing, waking,
 * the watchdog's look) stop at {@link #slotLimit()}, one more than the highest slot ever used,
 * which only grows and is written (volatile) after the slot it covers, so a scan that reads the
 * limit sees the carrier.
 *
 * <h2>Who starts and who ends a carrier</h2>
 * The pool's constructor starts the core carriers; after that only the {@link Watchdog} starts
 * carriers (stand-ins, replacements), so {@link #startCarrier} has one caller at a time. A carrier
 * ends itself ({@link #carrierExited}): retiring or stopping, it frees its slot; killed by
 * something its loop did not catch (an error in the pool's own code, an
 * {@code OutOfMemoryError} at a bad moment), it keeps its slot, so its queues stay visible to
 * thieves, submitters and affinity, until the watchdog joins it and starts a replacement in the
 * same slot that takes over its queues ({@link CarrierPool#newCarrier}'s {@code predecessor}):
 * nothing queued on it is lost, and the pool keeps its parallelism. The watchdog joins every
 * exited carrier, so that once the pool reports itself terminated none of its threads is alive.
 *
 * <h2>Counts</h2>
 * {@link #alive} counts carriers started and not yet exited, {@link #compensating} the stand-ins
 * among them; both change only here. The unblocked carriers, which decide compensation and
 * retirement, are {@code alive} less the watchdog's blocked count, each read once: an estimate
 * that the watchdog re-evaluates at every tick.
 */
final class CarrierSlots {
    private final CarrierPool pool;
    /** The slots; the same array as {@link CarrierPool#carriers}, which the queues scan. */
    final Carrier[] carriers;
    private final AtomicInteger alive = new AtomicInteger();
    private final AtomicInteger compensating = new AtomicInteger();
    private final AtomicLong compensationsTotal = new AtomicLong();
    /** See the class comment. */
    private volatile int slotLimit;
    /** Carriers that have exited and not yet been joined by the watchdog. */
    private final ConcurrentLinkedQueue<Carrier> exited = new ConcurrentLinkedQueue<>();

    CarrierSlots(CarrierPool pool, int slots) {
        this.pool = pool;
        this.carriers = new Carrier[slots];
    }

    /** One more than the highest slot of {@link #carriers} in use so far: where scans stop. */
    int slotLimit() {
        return slotLimit;
    }

    int alive() {
        return alive.get();
    }

    int compensating() {
        return compensating.get();
    }

    long compensationsTotal() {
        return compensationsTotal.get();
    }

    /** Alive carriers not marked blocked by the watchdog, an estimate. */
    int unblockedCarriers() {
        return alive.get() - pool.watchdog.blockedCount();
    }

    /** Whether exited carriers wait to be joined (or a dead one to be replaced). */
    boolean anyExited() {
        return !exited.isEmpty();
    }

    /**
     * Creates and starts the carrier of slot {@code index}: at creation, and then by the watchdog
     * only. Throws what {@code Thread.start} throws (no memory for another thread), with the
     * slot and the counts left as they were.
     */
    void startCarrier(int index, boolean compensatingCarrier, Carrier predecessor) {
        Carrier c = pool.newCarrier(index, compensatingCarrier, predecessor);
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

    /** A free slot above the core ones for a stand-in, or -1 when all are in use. Watchdog only. */
    int freeSlot() {
        for (int i = pool.parallelism; i < carriers.length; i++) {
            if (carriers[i] == null) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Called by carrier {@code c} as it exits: retiring or stopping ({@code died} false), or
     * killed by something its loop did not catch ({@code died} true); see the class comment.
     */
    void carrierExited(Carrier c, boolean died) {
        c.died = died;
        if (!died) {
            carriers[c.index] = null;
        }
        if (c.compensating) {
            compensating.decrementAndGet();
            PoolObserver o = CarrierPool.observer();
            if (o != null && !died) {
                CarrierPool.notify(() -> o.compensatingCarrierRetired(pool, c));
            }
        }
        // Counts a death could leave behind: a carrier that was spinning or parked when its loop threw.
        pool.idleCarriers.carrierExiting(c);
        c.gone = true; // before the clear: see Watchdog.inspect, which marks and then reads this
        pool.watchdog.unmarkBlocked(c);
        exited.offer(c);
        if ((alive.decrementAndGet() == 0 && pool.stopping) || died) {
            pool.watchdog.unpark();
        }
        if (died) {
            pool.idleCarriers.signalWork(); // its queues may hold work: let an idle carrier steal it
        }
    }

    /** Watchdog only: waits for exited carrier threads to end (they are past their last action). */
    void joinExited() {
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
        if (!pool.stopping) {
            try {
                startCarrier(dead.index, dead.compensating, dead);
                return;
            } catch (Throwable e) {
                pool.watchdog.reportAtBound("could not start a carrier to replace " + dead.getName() + " (" + e + ")");
                exited.offer(dead); // try again at the next tick; the slot still shows its queues
                return;
            }
        }
        if (carriers[dead.index] == dead) {
            carriers[dead.index] = null;
        }
    }

    /** Wakes every carrier (and the watchdog) so that they see {@code stopping} and exit. */
    void wakeAllToStop() {
        for (Carrier c : carriers) {
            if (c != null) {
                LockSupport.unpark(c);
            }
        }
        pool.watchdog.unpark();
    }
}
