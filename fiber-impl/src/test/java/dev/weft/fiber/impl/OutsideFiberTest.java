package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fiber operations called from a plain thread: {@code current()} is null, {@code yield}
 * yields the thread, {@code park}/{@code parkNanos}/{@code sleep} block the thread, and
 * {@code join}/{@code get}/{@code unpark} of a fiber work from outside.
 */
class OutsideFiberTest {

    @Test
    void currentIsNullOnAPlainThread() {
        assertNull(Fiber.current());
    }

    @Test
    void yieldReturnsOnAPlainThread() {
        for (int i = 0; i < 100; i++) {
            Fiber.yield();
        }
    }

    @Test
    void parkParksThePlainThreadUntilLockSupportUnparksIt() {
        AtomicBoolean returned = new AtomicBoolean();
        Thread t = Thread.ofPlatform().name("outside-park").start(() -> {
            Fiber.park();
            returned.set(true);
        });
        Await.until("the plain thread to park", () -> t.getState() == Thread.State.WAITING || returned.get());
        LockSupport.unpark(t);
        Await.joined(t);
        assertTrue(returned.get());
    }

    @Test
    void parkNanosParksThePlainThreadAndReturns() {
        long start = System.nanoTime();
        Fiber.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        assertTrue(System.nanoTime() - start >= 0); // returns at all: a parked-forever thread fails by hanging

        Thread t = Thread.ofPlatform().name("outside-parkNanos").start(() -> Fiber.parkNanos(TimeUnit.DAYS.toNanos(1)));
        Await.until("the plain thread to park with a time-out", () -> t.getState() == Thread.State.TIMED_WAITING);
        LockSupport.unpark(t);
        Await.joined(t);
    }

    @Test
    void sleepSleepsAndIsInterruptibleOnAPlainThread() throws Exception {
        Fiber.sleep(Duration.ofMillis(1));
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("outside-sleep").start(() -> {
            try {
                Fiber.sleep(Duration.ofDays(1));
                outcome.complete("slept");
            } catch (InterruptedException e) {
                outcome.complete("interrupted, status " + Thread.currentThread().isInterrupted());
            }
        });
        Await.until("the plain thread to sleep", () -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        assertEquals("interrupted, status false", outcome.get(Await.HANG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void interruptedTestsAndClearsTheThreadStatus() {
        Thread.currentThread().interrupt();
        assertTrue(Fiber.interrupted());
        assertFalse(Fiber.interrupted());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void joinGetAndUnparkWorkFromAPlainThread() throws Exception {
        try (FiberScheduler s = Schedulers.fifo(1)) {
            AtomicBoolean release = new AtomicBoolean();
            Fiber<String> f = Fiber.builder().scheduler(s).start(() -> {
                while (!release.get()) {
                    Fiber.park();
                }
                return "unparked from a thread";
            });
            Await.state(f, Fiber.State.PARKED);
            release.set(true);
            f.unpark();
            f.join();
            assertEquals("unparked from a thread", f.get());

            Fiber<Object> failing = Fiber.builder().scheduler(s).start(() -> {
                throw new IllegalStateException("x");
            });
            assertTrue(failing.join(Await.HANG));
            assertThrows(ExecutionException.class, failing::get);
        }
    }

    @Test
    void joinFromAPlainThreadIsInterruptible() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            AtomicBoolean release = new AtomicBoolean();
            Fiber<Void> f = Fiber.builder().scheduler(s).start(() -> {
                while (!release.get()) {
                    Fiber.park();
                }
            });
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().name("outside-join").start(() -> {
                try {
                    f.join();
                    outcome.complete("joined");
                } catch (InterruptedException e) {
                    outcome.complete("interrupted");
                }
            });
            Await.until("the joining thread to block", () -> t.getState() == Thread.State.WAITING);
            t.interrupt();
            assertEquals("interrupted", outcome.get(Await.HANG.toSeconds(), TimeUnit.SECONDS));
            release.set(true);
            f.unpark();
            Await.joined(f);
        }
    }
}
