package dev.weft.fiber.impl.exec;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The reference: the JDK's scheduled pool with its default policies. */
class ScheduledThreadPoolExecutorContractTest extends ScheduledExecutorContractTest {
    @Override
    ScheduledExecutorService newExecutor() {
        return new ScheduledThreadPoolExecutor(4);
    }
}
