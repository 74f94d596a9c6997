package dev.weft.fiber.impl;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

/** The scheduler contract on {@link Schedulers#fifo(int)} with two carriers. */
class FifoSchedulerTest extends SchedulerContractTest {
    @Override
    protected FiberScheduler newScheduler(int parallelism) {
        return Schedulers.fifo(parallelism);
    }

    @Override
    protected int parallelism() {
        return 2;
    }
}
