package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;

import java.util.concurrent.ExecutorService;

/** The contract, virtual threads on the default Weft scheduler. */
class VirtualThreadModeDefaultSchedulerContractTest extends ExecutorServiceContractTest {
    @Override
    ExecutorService newExecutor() {
        return FiberExecutors.newFiberPerTaskExecutor();
    }

    @Override
    int concurrency() {
        return Integer.MAX_VALUE;
    }
}
