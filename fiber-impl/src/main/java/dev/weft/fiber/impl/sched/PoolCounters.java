package dev.weft.fiber.impl.sched;

import dev.weft.fiber.SchedulerStats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link CarrierPool}'s statistics: the counts behind {@link CarrierPool#stats()}.
 *
 * <p>Most counts live where they are made and are only read here: tasks run and steals on each
 * {@link Carrier} (written by the carrier alone, read with opaque loads), carriers and stand-ins
 * in {@link CarrierSlots}, queue lengths in the scheduler. What stays here is what outlives a
 * carrier, folded in by each carrier as it exits ({@link #carrierRetired}), and the pinned-park
 * count, which any fiber's carrier adds to (a {@link LongAdder}: pinned parks can come from every
 * carrier at once). A snapshot is a sum of racy reads, not an atomic view: each count is at most
 * as old as the read. A carrier that exits during the sum can be counted twice for that instant
 * (it folds its counts into the retired totals before it sets {@code gone}, after which the sum
 * skips its own); once it has exited, every sum counts it once.
 */
final class PoolCounters {
    private final LongAdder pinnedParks = new LongAdder();
    private final AtomicLong retiredTasksRun = new AtomicLong();
    private final AtomicLong retiredSteals = new AtomicLong();

    /** Counts a park (or yield) that could not unmount its fiber. Any thread. */
    void pinned() {
        pinnedParks.increment();
    }

    /** Folds an exiting carrier's counts into the totals; called by that carrier. */
    void carrierRetired(long tasksRun, long steals) {
        retiredTasksRun.addAndGet(tasksRun);
        retiredSteals.addAndGet(steals);
    }

    SchedulerStats snapshot(CarrierPool pool) {
        CarrierSlots slots = pool.slots;
        long run = 0;
        long steals = 0;
        Carrier[] carriers = slots.carriers;
        for (int i = 0, n = slots.slotLimit(); i < n; i++) {
            Carrier c = carriers[i];
            if (c != null && !c.gone) { // a dead carrier's counts are already in the retired totals
                run += c.tasksRun();
                steals += c.stealsOpaque();
            }
        }
        return new SchedulerStats(pool.name, slots.alive(), pool.parallelism, slots.compensating(),
                slots.compensationsTotal(), run + retiredTasksRun.get(), steals + retiredSteals.get(),
                pool.queuedEstimate(), pinnedParks.sum());
    }
}
