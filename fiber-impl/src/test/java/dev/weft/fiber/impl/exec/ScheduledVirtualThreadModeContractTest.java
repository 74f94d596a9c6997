package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

import java.util.concurrent.ScheduledExecutorService;

/** The scheduled contract, virtual threads on 2 work-stealing carriers. */
class ScheduledVirtualThreadModeContractTest extends ScheduledExecutorContractTest {
    private FiberScheduler scheduler;

    @Override
    ScheduledExecutorService newExecutor() {
        scheduler = Schedulers.workStealing(2);
        return FiberExecutors.newScheduledFiberExecutor(scheduler);
    }

    @Override
    void releaseResources() {
        scheduler.close();
    }
}
