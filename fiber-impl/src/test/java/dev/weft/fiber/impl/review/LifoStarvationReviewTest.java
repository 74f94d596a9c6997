package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Work that a busy carrier keeps in its LIFO slot must still reach an idle carrier: the
 * scheduler promises to run an accepted task "soon, on one of this scheduler's carriers".
 * With two carriers, a fiber that starts (or wakes) another and then stays busy on its carrier
 * must not keep that other fiber from running on the idle second carrier.
 */
class LifoStarvationReviewTest {
    /** How long the busy fiber waits for the other one before the test calls it starved. */
    private static final long BOUND_NANOS = Duration.ofSeconds(3).toNanos();

    private final FiberScheduler scheduler = new WorkStealingScheduler(2);

    @AfterEach
    void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(Duration.ofSeconds(10));
    }

    /** Spins (never suspends) until {@code flag} is set or the bound passes; returns the flag. */
    private static boolean busyWaitFor(AtomicBoolean flag) {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!flag.get() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        return flag.get();
    }

    @Test
    void fiberStartedByABusyFiberRunsOnTheIdleCarrier() throws Exception {
        AtomicBoolean childRan = new AtomicBoolean();
        Fiber<Boolean> parent = Fiber.builder().scheduler(scheduler).start(() -> {
            Fiber.builder().scheduler(scheduler).start(() -> childRan.set(true));
            return busyWaitFor(childRan);
        });
        assertTrue(parent.get(Duration.ofSeconds(30)),
                "a fiber started from a busy fiber never ran although the other carrier was idle");
    }

    @Test
    void fiberWokenByABusyFiberRunsOnTheIdleCarrier() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        AtomicBoolean wokeAndRan = new AtomicBoolean();
        Fiber<Void> sleeper = Fiber.builder().scheduler(scheduler).start(() -> {
            while (!go.get()) {
                Fiber.park();
            }
            wokeAndRan.set(true);
        });
        while (sleeper.state() != Fiber.State.PARKED) {
            Thread.onSpinWait();
        }
        Fiber<Boolean> waker = Fiber.builder().scheduler(scheduler).start(() -> {
            go.set(true);
            sleeper.unpark();
            return busyWaitFor(wokeAndRan);
        });
        assertTrue(waker.get(Duration.ofSeconds(30)),
                "a fiber unparked by a busy fiber never ran although the other carrier was idle");
    }
}
