package dev.weft.fiber.impl.core;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a fiber's uncaught-exception handler does, the fiber terminates, its outcome is the
 * task's, and the scheduler can still shut down. On d090bbd a handler that rethrew the exception
 * it was given made {@code terminate()} throw ({@code addSuppressed(self)}) before the state
 * became TERMINATED: join and get hung.
 */
@Timeout(60)
class FiberTerminatesWhateverItsHandlerThrowsTest {
    private final FiberScheduler scheduler = Schedulers.workStealing(2);

    @AfterEach
    void close() throws InterruptedException {
        scheduler.shutdown();
        assertTrue(scheduler.awaitTermination(Await.HANG), "scheduler did not terminate: " + scheduler.stats());
    }

    /** An exception whose {@code toString()} (and so every attempt to print it) throws. */
    static final class Unprintable extends RuntimeException {
        @Override
        public String toString() {
            throw new IllegalStateException("toString of Unprintable");
        }
    }

    private void assertOutcomeIsTheTasks(Function<RuntimeException, Throwable> handlerThrows) throws Exception {
        RuntimeException taskFailure = new IllegalArgumentException("the task's own failure");
        Fiber<String> f = Fiber.builder().scheduler(scheduler)
                .uncaughtExceptionHandler((fiber, e) -> sneakyThrow(handlerThrows.apply((RuntimeException) e)))
                .start((Callable<String>) () -> {
                    throw taskFailure;
                });
        Await.joined(f);
        assertEquals(Fiber.State.TERMINATED, f.state());
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(taskFailure, e.getCause());
    }

    @Test
    void aHandlerThatRethrowsTheExceptionItIsGiven() throws Exception {
        assertOutcomeIsTheTasks(e -> e);
    }

    @Test
    void aHandlerThatThrowsAnExceptionWhoseToStringThrows() throws Exception {
        assertOutcomeIsTheTasks(e -> new Unprintable());
    }

    @Test
    void aHandlerThatThrowsOutOfMemoryError() throws Exception {
        assertOutcomeIsTheTasks(e -> new OutOfMemoryError("thrown by the handler"));
    }

    @Test
    void aHandlerThatThrowsStackOverflowError() throws Exception {
        assertOutcomeIsTheTasks(e -> new StackOverflowError("thrown by the handler"));
    }

    @Test
    void aHandlerFailureIsKeptAsSuppressedByTheTasksException() throws Exception {
        RuntimeException handlerFailure = new RuntimeException("handler failure");
        RuntimeException taskFailure = new IllegalStateException("task");
        Fiber<Void> f = Fiber.builder().scheduler(scheduler)
                .uncaughtExceptionHandler((fiber, e) -> {
                    throw handlerFailure;
                })
                .start((Runnable) () -> {
                    throw taskFailure;
                });
        Await.joined(f);
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(taskFailure, e.getCause());
        assertSame(handlerFailure, e.getCause().getSuppressed()[0]);
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
