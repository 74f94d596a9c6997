package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** The contract, raw fibers on a 2-carrier FIFO scheduler. */
class RawFiberModeFifoContractTest extends ExecutorServiceContractTest {
    private final List<FiberScheduler> schedulers = new ArrayList<>();

    @Override
    ExecutorService newExecutor() {
        FiberScheduler s = Schedulers.fifo(2);
        schedulers.add(s);
        return FiberExecutors.newRawFiberPerTaskExecutor(s);
    }

    @Override
    int concurrency() {
        return Integer.MAX_VALUE;
    }

    @Override
    void releaseResources() {
        schedulers.forEach(FiberScheduler::close);
    }
}
