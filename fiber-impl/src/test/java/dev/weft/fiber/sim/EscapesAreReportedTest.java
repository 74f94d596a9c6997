package dev.weft.fiber.sim;

import dev.weft.fiber.DeterminismViolationException;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Code that escapes the deterministic scheduler is reported with a
 * {@link DeterminismViolationException}, not left silently nondeterministic (or hanging): a real
 * thread waking a fiber, a real blocking call on the carrier, a fiber pinned at a park.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EscapesAreReportedTest {

    @Test
    void aRealThreadThatWakesAFiberIsReported() {
        DeterministicScheduler s = Schedulers.deterministic(1);
        DeterminismViolationException e = assertThrows(DeterminismViolationException.class, () -> s.run(() -> {
            // A fiber that keeps the run going (it yields until the run stops), so that the carrier
            // does not take the parked root for a deadlock before the real thread reaches it.
            Fiber.builder().name("busy").start(() -> {
                while (true) {
                    Fiber.yield();
                }
            });
            Fiber<?> me = Fiber.current();
            Thread t = new Thread(() -> {
                while (me.state() != Fiber.State.PARKED) {
                    Thread.onSpinWait(); // an unpark before the park would only leave a permit
                }
                me.unpark();
            }, "real-waker");
            t.start();
            Fiber.park(); // only the real thread can end it
            t.join();
        }));
        assertTrue(e.getMessage().contains("thread real-waker called resume(#1 main)"), e.getMessage());
        assertTrue(e.getCause() != null && e.getCause().getStackTrace().length > 0);
    }

    @Test
    void aThreadSleepOnTheCarrierIsReported() {
        DeterministicScheduler s = Schedulers.deterministic(2);
        DeterminismViolationException e = assertThrows(DeterminismViolationException.class, () -> s.run(() -> {
            Fiber.builder().name("sleeper").start(() -> {
                try {
                    Thread.sleep(60_000); // real time: the watch interrupts it after the bound
                } catch (InterruptedException expected) {
                    Thread.currentThread().interrupt();
                }
            }).join();
        }));
        assertTrue(e.getMessage().contains("was blocked for more than"), e.getMessage());
        assertTrue(e.getMessage().contains("#2 sleeper"), e.getMessage());
        boolean sleepOnStack = false;
        for (StackTraceElement el : e.getCause().getStackTrace()) {
            sleepOnStack |= el.getMethodName().startsWith("sleep");
        }
        assertTrue(sleepOnStack, "the cause shows the carrier in Thread.sleep");
    }

    @Test
    void aJucLockHeldByARealThreadIsReported() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread owner = new Thread(() -> {
            lock.lock();
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }, "lock-owner");
        owner.start();
        held.await();
        try {
            DeterministicScheduler s = Schedulers.deterministic(3);
            DeterminismViolationException e = assertThrows(DeterminismViolationException.class, () -> s.run(() -> {
                lock.lockInterruptibly();
                lock.unlock();
            }));
            assertTrue(e.getMessage().contains("was blocked for more than"), e.getMessage());
        } finally {
            release.countDown();
            owner.join();
        }
    }

    @Test
    void aParkWhileHoldingAMonitorIsReported() {
        DeterministicScheduler s = Schedulers.deterministic(4);
        Object monitor = new Object();
        DeterminismViolationException e = assertThrows(DeterminismViolationException.class, () -> s.run(() -> {
            synchronized (monitor) {
                Fiber.park(); // a raw fiber does not unmount holding a monitor: it would block the carrier
            }
        }));
        assertTrue(e.getMessage().contains("could not unmount at a park"), e.getMessage());
    }
}
