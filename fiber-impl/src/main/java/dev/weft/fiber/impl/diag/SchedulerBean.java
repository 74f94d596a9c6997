package dev.weft.fiber.impl.diag;

import dev.weft.fiber.SchedulerMXBean;
import dev.weft.fiber.impl.sched.CarrierPool;

/** The {@link SchedulerMXBean} of one pool: each attribute is a read of the pool's own counters. */
final class SchedulerBean implements SchedulerMXBean {
    private final CarrierPool pool;

    SchedulerBean(CarrierPool pool) {
        this.pool = pool;
    }

    @Override
    public String getName() {
        return pool.name();
    }

    @Override
    public int getParallelism() {
        return pool.stats().parallelism();
    }

    @Override
    public int getCarriers() {
        return pool.stats().carriers();
    }

    @Override
    public int getIdleCarriers() {
        return pool.idleCarriers();
    }

    @Override
    public int getBlockedCarriers() {
        return pool.blockedCarriers();
    }

    @Override
    public double getCarrierUtilization() {
        int carriers = pool.stats().carriers();
        return carriers == 0 ? 0.0 : Math.max(0, carriers - pool.idleCarriers()) / (double) carriers;
    }

    @Override
    public int getCompensatingCarriers() {
        return pool.stats().compensating();
    }

    @Override
    public long getCompensationsTotal() {
        return pool.stats().compensationsTotal();
    }

    @Override
    public long getFibersSpawned() {
        return pool.fibersAccepted();
    }

    @Override
    public long getFibersCompleted() {
        return pool.fibersAccepted() - pool.fibersLive();
    }

    @Override
    public long getFibersLive() {
        return pool.fibersLive();
    }

    @Override
    public long getQueuedTasks() {
        return pool.stats().queued();
    }

    @Override
    public long getTasksRun() {
        return pool.stats().tasksRun();
    }

    @Override
    public long getSteals() {
        return pool.stats().steals();
    }

    @Override
    public long getPinnedParks() {
        return pool.stats().pinnedParks();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }
}
