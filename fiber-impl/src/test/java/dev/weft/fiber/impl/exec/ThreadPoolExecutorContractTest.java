package dev.weft.fiber.impl.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The reference: the contract as the JDK's fixed thread pool keeps it. */
class ThreadPoolExecutorContractTest extends ExecutorServiceContractTest {
    @Override
    ExecutorService newExecutor() {
        return new ThreadPoolExecutor(8, 8, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    }

    @Override
    int concurrency() {
        return 8;
    }
}
