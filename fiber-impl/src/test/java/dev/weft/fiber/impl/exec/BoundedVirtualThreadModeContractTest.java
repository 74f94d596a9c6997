package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** The contract, at most 8 virtual threads at a time on 2 work-stealing carriers. */
class BoundedVirtualThreadModeContractTest extends ExecutorServiceContractTest {
    private final List<FiberScheduler> schedulers = new ArrayList<>();

    @Override
    ExecutorService newExecutor() {
        FiberScheduler s = Schedulers.workStealing(2);
        schedulers.add(s);
        return FiberExecutors.newFiberPerTaskExecutor(s, 8);
    }

    @Override
    int concurrency() {
        return 8;
    }

    @Override
    void releaseResources() {
        schedulers.forEach(FiberScheduler::close);
    }
}
