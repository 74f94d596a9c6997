package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop of timed {@code Fiber.await}s on one long-lived future (a shutdown signal polled with a
 * time-out) must not leave one completion callback per call on the future, which would grow
 * without bound until it completes ({@code CompletableFuture.get(timeout)} leaves none). And the
 * waiters still wake when it completes.
 */
class RepeatedTimedAwaitsDoNotPileUpCallbacksTest {
    private final FiberScheduler scheduler = Schedulers.workStealing(4);

    @AfterEach
    void shutDown() throws InterruptedException {
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(Await.HANG));
    }

    @Test
    void timedOutAwaitsOfOneFutureReuseTheirCallback() throws Exception {
        CompletableFuture<String> signal = new CompletableFuture<>();
        int fibers = 8;
        int awaitsEach = 2_000;
        List<Fiber<Void>> pollers = new ArrayList<>();
        for (int k = 0; k < fibers; k++) {
            pollers.add(Fiber.builder().scheduler(scheduler).start(() -> {
                for (int i = 0; i < awaitsEach; i++) {
                    try {
                        Fiber.await(signal, Duration.ofNanos(2_000));
                    } catch (TimeoutException expected) {
                        // not yet
                    }
                }
                return null;
            }));
        }
        for (Fiber<Void> f : pollers) {
            Await.joined(f);
            f.get();
        }
        int dependents = signal.getNumberOfDependents();
        // one per fiber that awaited it, not one per await
        assertTrue(dependents <= fibers, dependents + " callbacks left on the future by "
                + fibers * awaitsEach + " timed-out awaits");

        // waiters reusing a callback are still woken by the completion
        List<Fiber<String>> waiters = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            waiters.add(Fiber.builder().scheduler(scheduler).start(() -> {
                for (;;) {
                    try {
                        return Fiber.await(signal, Duration.ofMillis(1 + (Fiber.current().hashCode() & 3)));
                    } catch (TimeoutException again) {
                        // the long-lived loop of the pattern
                    }
                }
            }));
        }
        List<Fiber<String>> untimed = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            untimed.add(Fiber.builder().scheduler(scheduler).start(() -> Fiber.await(signal)));
        }
        signal.complete("stop");
        for (Fiber<String> f : waiters) {
            Await.joined(f);
            assertEquals("stop", f.get());
        }
        for (Fiber<String> f : untimed) {
            Await.joined(f);
            assertEquals("stop", f.get());
        }
    }
}
