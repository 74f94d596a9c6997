package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets an exception that names the problem: null arguments (a
 * {@link NullPointerException} whose message is the argument's name), negative durations,
 * a fiber joining itself, a fiber started twice, a scheduler with fewer than one carrier.
 */
class BadInputTest {
    private FiberScheduler scheduler;

    @BeforeEach
    void createScheduler() {
        scheduler = Schedulers.workStealing(1);
    }

    @AfterEach
    void closeScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(Await.HANG));
    }

    private static void assertNamesArgument(String argument, NullPointerException e) {
        assertNotNull(e.getMessage(), "NullPointerException without a message; expected one naming '" + argument + "'");
        assertTrue(e.getMessage().contains(argument), "expected the message to name '" + argument + "': " + e.getMessage());
    }

    @Test
    void nullArgumentsAreNamed() throws Exception {
        Fiber<Integer> f = Fiber.builder().scheduler(scheduler).start(() -> 1);
        f.get();
        assertNamesArgument("task", assertThrows(NullPointerException.class, () -> Fiber.start((Callable<?>) null)));
        assertNamesArgument("task", assertThrows(NullPointerException.class, () -> Fiber.start((Runnable) null)));
        assertNamesArgument("task", assertThrows(NullPointerException.class,
                () -> Fiber.builder().scheduler(scheduler).unstarted((Runnable) null)));
        assertNamesArgument("duration", assertThrows(NullPointerException.class, () -> Fiber.sleep(null)));
        assertNamesArgument("timeout", assertThrows(NullPointerException.class, () -> f.join(null)));
        assertNamesArgument("timeout", assertThrows(NullPointerException.class, () -> f.get(null)));
        assertNamesArgument("task", assertThrows(NullPointerException.class, () -> scheduler.execute(null)));
        assertNamesArgument("timeout", assertThrows(NullPointerException.class, () -> scheduler.awaitTermination(null)));
    }

    @Test
    void negativeDurationsAreRejected() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Void> f = Fiber.builder().scheduler(scheduler).start(() -> {
            while (!release.get()) {
                Fiber.park();
            }
        });
        IllegalArgumentException join = assertThrows(IllegalArgumentException.class, () -> f.join(Duration.ofMillis(-1)));
        assertTrue(join.getMessage().contains("negative"), join.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Fiber.sleep(Duration.ofNanos(-1)));

        // The same checks hold inside a fiber.
        Fiber<Throwable> inFiber = Fiber.builder().scheduler(scheduler).start(() -> {
            try {
                Fiber.sleep(Duration.ofSeconds(-3));
                return null;
            } catch (IllegalArgumentException e) {
                return e;
            }
        });
        assertInstanceOf(IllegalArgumentException.class, inFiber.get());

        release.set(true);
        f.unpark();
        f.get();
    }

    @Test
    void joinOnSelfIsRejected() throws Exception {
        Fiber<Throwable> f = Fiber.builder().scheduler(scheduler).start(() -> {
            try {
                Fiber.current().join();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertInstanceOf(IllegalStateException.class, f.get(), "join on self must fail rather than deadlock");

        Fiber<Throwable> timed = Fiber.builder().scheduler(scheduler).start(() -> {
            try {
                Fiber.current().join(Duration.ofSeconds(1));
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertInstanceOf(IllegalStateException.class, timed.get(), "timed join on self must fail at once");

        Fiber<Throwable> viaGet = Fiber.builder().scheduler(scheduler).start(() -> {
            try {
                Fiber.current().get();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertInstanceOf(IllegalStateException.class, viaGet.get(), "get on self must fail rather than deadlock");
    }

    @Test
    void startingTwiceIsRejected() throws Exception {
        Fiber<Integer> f = Fiber.builder().scheduler(scheduler).unstarted(() -> 1);
        assertEquals(Fiber.State.NEW, f.state());
        f.start();
        assertThrows(IllegalStateException.class, f::start);
        assertEquals(1, f.get());
        assertThrows(IllegalStateException.class, f::start, "starting a terminated fiber");

        Fiber<Integer> g = Fiber.builder().scheduler(scheduler).start(() -> 2);
        assertThrows(IllegalStateException.class, g::start);
        assertEquals(2, g.get(), "the failed second start did not disturb the fiber");
    }

    @Test
    void joinOfUnstartedFiberIsRejected() {
        Fiber<Integer> f = Fiber.builder().scheduler(scheduler).unstarted(() -> 1);
        assertThrows(IllegalStateException.class, f::join);
    }

    @Test
    void parallelismBelowOneIsRejected() {
        for (int p : new int[] {0, -1, Integer.MIN_VALUE}) {
            IllegalArgumentException ws = assertThrows(IllegalArgumentException.class, () -> Schedulers.workStealing(p));
            assertTrue(ws.getMessage().contains("parallelism"), ws.getMessage());
            IllegalArgumentException fifo = assertThrows(IllegalArgumentException.class, () -> Schedulers.fifo(p));
            assertTrue(fifo.getMessage().contains("parallelism"), fifo.getMessage());
        }
    }

    @Test
    void defaultSchedulerCannotBeShutDown() {
        FiberScheduler d = Schedulers.defaultScheduler();
        assertThrows(UnsupportedOperationException.class, d::shutdown);
        assertThrows(UnsupportedOperationException.class, d::shutdownNow);
        assertFalse(d.isShutdown());
    }
}
