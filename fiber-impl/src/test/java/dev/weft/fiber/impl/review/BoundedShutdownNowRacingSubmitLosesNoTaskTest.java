package dev.weft.fiber.impl.review;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded executor's {@code shutdownNow} racing {@code execute}: a submitter that saw RUNNING
 * but queues its job after {@code shutdownNow} emptied the queue must not leave it there (neither
 * run nor returned, and the executor never terminating). Every accepted task is run or returned,
 * and the executor terminates.
 */
class BoundedShutdownNowRacingSubmitLosesNoTaskTest {

    @Test
    void everyAcceptedTaskRunsOrIsReturnedAndTheExecutorTerminates() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            for (int round = 0; round < 400; round++) {
                ExecutorService e = FiberExecutors.newRawFiberPerTaskExecutor(s, 1);
                AtomicInteger ran = new AtomicInteger();
                AtomicInteger accepted = new AtomicInteger();
                CountDownLatch started = new CountDownLatch(1);
                Thread submitter = Thread.ofPlatform().start(() -> {
                    for (;;) {
                        try {
                            e.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                            started.countDown();
                        } catch (RejectedExecutionException rejected) {
                            return;
                        }
                    }
                });
                started.await();
                List<Runnable> returned = e.shutdownNow();
                submitter.join();
                assertTrue(e.awaitTermination(5, TimeUnit.SECONDS),
                        "round " + round + ": not terminated: " + e + ", accepted " + accepted + ", ran " + ran
                                + ", returned " + returned.size());
                assertEquals(accepted.get(), ran.get() + returned.size(), "round " + round);
            }
        }
    }
}
