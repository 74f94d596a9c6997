package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

import java.util.concurrent.ScheduledExecutorService;

/** The scheduled contract, raw fibers on 2 FIFO carriers. */
class ScheduledRawFiberModeContractTest extends ScheduledExecutorContractTest {
    private FiberScheduler scheduler;

    @Override
    ScheduledExecutorService newExecutor() {
        scheduler = Schedulers.fifo(2);
        return FiberExecutors.newScheduledRawFiberExecutor(scheduler);
    }

    @Override
    void releaseResources() {
        scheduler.close();
    }
}
