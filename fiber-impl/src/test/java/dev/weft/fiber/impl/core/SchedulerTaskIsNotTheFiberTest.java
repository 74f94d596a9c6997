package dev.weft.fiber.impl.core;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The object a user holds cannot drive a fiber: a {@code Fiber} is not the {@code Runnable} its
 * scheduler runs, and the suspension entry points act only on the calling fiber.
 */
class SchedulerTaskIsNotTheFiberTest {

    /** A scheduler that queues tasks for the test to run by hand. */
    private static final class HandScheduler extends StubScheduler {
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

        HandScheduler() {
            super("hand");
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }
    }

    @Test
    void aFiberIsNotARunnable() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<Integer> f = Fiber.builder().scheduler(s).start(() -> 42);
            assertFalse((Object) f instanceof Runnable, "a Fiber can be run as a task by anyone who holds it");
            assertEquals(42, f.get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theSchedulerGetsTheSameTaskEveryTimeAndRunningItTwiceIsRefused() throws Exception {
        HandScheduler s = new HandScheduler();
        Fiber<String> f = Fiber.builder().scheduler(s).start(() -> {
            Fiber.yield();
            return "done";
        });
        Runnable first = s.queue.poll(30, TimeUnit.SECONDS);
        assertNotNull(first);
        assertInstanceOf(FiberImpl.Task.class, first);
        assertSame(f, ((FiberImpl.Task) first).fiber());
        assertTrue(first.toString().contains(f.toString()), first.toString());
        first.run(); // runs until the yield, which resubmits
        Runnable second = s.queue.poll(30, TimeUnit.SECONDS);
        assertSame(first, second, "one task object per fiber");
        second.run();
        assertEquals("done", f.get(Duration.ofSeconds(30)));
        IllegalStateException e = assertThrows(IllegalStateException.class, first::run);
        assertTrue(e.getMessage().contains("exactly once"), e.getMessage());
    }

    @Test
    void theSuspensionEntryPointsDoNothingOutsideAFiber() throws Exception {
        assertFalse(FiberImpl.yieldCurrent());
        assertFalse(FiberImpl.parkCurrent(1));
        assertFalse(FiberImpl.sleepCurrent(1));
        Thread.currentThread().interrupt();
        assertTrue(FiberImpl.interruptedCurrent(), "outside a fiber, the thread's own status");
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
