package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exception that ends a fiber goes to its own handler, else to its scheduler's, else to the
 * log ({@code System.Logger} {@code dev.weft.fiber.uncaught}) with the fiber's name and stack.
 */
@Timeout(30)
class UncaughtExceptionsAreReportedTest {

    @Test
    void theFibersHandlerThenTheSchedulersThenTheLog() throws Exception {
        Logger jul = Logger.getLogger("dev.weft.fiber.uncaught");
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        boolean parentHandlers = jul.getUseParentHandlers();
        jul.setUseParentHandlers(false); // keep the expected warnings out of the build's output
        FiberScheduler s = Schedulers.workStealing(2);
        try {
            RuntimeException boom = new IllegalStateException("boom in a fiber");
            Fiber<?> plain = Fiber.builder().name("logged-fiber").scheduler(s).start(() -> {
                throw boom;
            });
            assertThrows(java.util.concurrent.ExecutionException.class, plain::get);
            Await.until("the log record", () -> logged.stream().anyMatch(r -> r.getThrown() == boom));
            LogRecord r = logged.stream().filter(x -> x.getThrown() == boom).findFirst().orElseThrow();
            assertTrue(r.getMessage().contains("\"logged-fiber\""), r.getMessage());
            assertEquals(java.util.logging.Level.WARNING, r.getLevel());

            List<Throwable> bySchedulerHandler = new CopyOnWriteArrayList<>();
            s.setUncaughtExceptionHandler((fiber, error) -> bySchedulerHandler.add(error));
            RuntimeException second = new IllegalStateException("to the scheduler's handler");
            Fiber<?> f2 = Fiber.builder().scheduler(s).start(() -> {
                throw second;
            });
            f2.join(Await.HANG);
            assertEquals(List.of(second), bySchedulerHandler);

            List<Throwable> byFiberHandler = new CopyOnWriteArrayList<>();
            RuntimeException third = new IllegalStateException("to the fiber's own handler");
            Fiber<?> f3 = Fiber.builder().scheduler(s).uncaughtExceptionHandler((fiber, error) -> byFiberHandler.add(error))
                    .start(() -> {
                        throw third;
                    });
            f3.join(Await.HANG);
            assertEquals(List.of(third), byFiberHandler);
            assertEquals(1, bySchedulerHandler.size(), "the fiber's own handler comes first");
            assertSame(null, logged.stream().filter(x -> x.getThrown() == second || x.getThrown() == third).findAny().orElse(null));

            Fiber<?> cancelled = Fiber.builder().scheduler(s).start(() -> {
                Fiber.park();
                Fiber.park();
            });
            Await.state(cancelled, Fiber.State.PARKED);
            cancelled.cancel();
            cancelled.join(Await.HANG);
            assertEquals(1, bySchedulerHandler.size(), "a cancellation is not reported");
        } finally {
            s.setUncaughtExceptionHandler(null);
            s.shutdownNow();
            s.awaitTermination(Await.HANG);
            jul.removeHandler(capture);
            jul.setUseParentHandlers(parentHandlers);
        }
    }
}
