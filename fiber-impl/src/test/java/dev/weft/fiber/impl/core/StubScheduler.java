package dev.weft.fiber.impl.core;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;

import java.time.Duration;

/**
 * A {@link FiberScheduler} for tests that only need {@link #execute(Runnable)}: the life cycle
 * does nothing (the test owns the threads, if any) and the stats name the scheduler.
 */
abstract class StubScheduler implements FiberScheduler {
    private final String name;

    StubScheduler(String name) {
        this.name = name;
    }

    @Override
    public void shutdown() {
    }

    @Override
    public void shutdownNow() {
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(Duration timeout) {
        return false;
    }

    @Override
    public SchedulerStats stats() {
        return new SchedulerStats(name, 1, 1, 0, 0, 0, 0, 0, 0);
    }
}
