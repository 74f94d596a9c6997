package dev.weft.fiber.impl.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The reference for one strand per task: the JDK's virtual-thread-per-task executor. */
class JdkVirtualThreadPerTaskContractTest extends ExecutorServiceContractTest {
    @Override
    ExecutorService newExecutor() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    @Override
    int concurrency() {
        return Integer.MAX_VALUE;
    }
}
