package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens at the compensation bound, as documented: the scheduler logs one warning
 * ({@code dev.weft.fiber.scheduler}), queued fibers wait, and once the blocked carriers come back
 * everything runs. Here the bound is 2 on one carrier, and five fibers block.
 */
@Timeout(60)
class CompensationBoundIsReportedTest {

    @Test
    void reachingTheBoundLogsOneWarningAndQueuedFibersRunOnceCarriersComeBack() throws InterruptedException {
        Logger logger = Logger.getLogger("dev.weft.fiber.scheduler");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        FiberScheduler s = new WorkStealingScheduler(1, 2, true);
        try {
            CountDownLatch open = new CountDownLatch(1);
            CountDownLatch waiting = new CountDownLatch(3);
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fibers.add(Fiber.builder().scheduler(s).start((Runnable) () -> {
                    waiting.countDown();
                    try {
                        open.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            waiting.await(); // the core carrier and both stand-ins are blocked; two fibers are queued
            Await.until("the warning at the bound", () -> !records.isEmpty());
            assertEquals(3, s.stats().carriers(), s.stats().toString());
            open.countDown();
            Await.joinedAll(fibers);
            assertEquals(1, records.size(), "the warning is logged once");
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertTrue(records.get(0).getMessage().contains("weft.carrier.maxCompensating"), records.get(0).getMessage());
        } finally {
            logger.removeHandler(capture);
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "did not terminate: " + s.stats());
        }
    }
}
