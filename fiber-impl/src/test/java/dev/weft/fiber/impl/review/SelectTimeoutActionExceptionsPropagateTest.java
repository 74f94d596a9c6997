package dev.weft.fiber.impl.review;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The action of a select's time-out clause is user code like any other clause's action: what it
 * throws leaves the select unchanged. In particular a {@link FiberCancelledException} thrown by
 * the action (the fiber was cancelled after the time-out, and the action reached a suspension
 * point) must not be taken for a cancel of the select's own wait, whose handling expects a
 * winning clause and finds the select already cancelled by its time-out.
 */
class SelectTimeoutActionExceptionsPropagateTest {
    private final FiberScheduler scheduler = Schedulers.workStealing(2);

    @AfterEach
    void shutDown() throws InterruptedException {
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(Await.HANG));
    }

    @Test
    void aCancelSeenByTheTimeoutActionLeavesTheSelectAsFiberCancelledException() throws Exception {
        Channel<Integer> ch = Channels.rendezvous();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Fiber<Void> f = Fiber.builder().scheduler(scheduler).start(() -> {
            try {
                Select.select(
                        ch.onReceive(x -> "received"),
                        Select.onTimeout(Duration.ofMillis(1), () -> {
                            Fiber.current().cancel(); // a cancel that arrives just after the time-out
                            Fiber.yield();            // the action's next suspension point throws
                            return "timed out";
                        }));
            } catch (Throwable t) {
                thrown.set(t); // a cancelled fiber's get() reports only the cancel: keep what the select threw
            }
            return null;
        });
        Await.joined(f);
        assertInstanceOf(FiberCancelledException.class, thrown.get(),
                "the action's FiberCancelledException was replaced by " + thrown.get());
        assertTrue(ch.toString().contains("waiting receivers 0,"), "a waiter was left behind: " + ch);
    }

    @Test
    void aRuntimeExceptionOfTheTimeoutActionLeavesTheSelectUnchanged() throws Exception {
        Channel<Integer> ch = Channels.rendezvous();
        IllegalStateException boom = new IllegalStateException("boom");
        Fiber<String> f = Fiber.builder().scheduler(scheduler).start(() -> Select.select(
                ch.onReceive(x -> "received"),
                Select.onTimeout(Duration.ofMillis(1), () -> {
                    throw boom;
                })));
        Await.joined(f);
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertTrue(e.getCause() == boom, "expected the action's own exception, got " + e.getCause());
        assertTrue(ch.toString().contains("waiting receivers 0,"), "a waiter was left behind: " + ch);
    }
}
