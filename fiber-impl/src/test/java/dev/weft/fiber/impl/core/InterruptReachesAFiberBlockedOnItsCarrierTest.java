package dev.weft.fiber.impl.core;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.impl.util.CurrentThread;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code interrupt()}, {@code cancel()} and {@code shutdownNow()} reach a fiber blocked in a call
 * Weft does not own, which blocks its carrier thread; and the carrier's interrupt status never
 * reaches another fiber. On d090bbd a fiber in {@code CountDownLatch.await()} ignored
 * {@code interrupt()}, and {@code shutdownNow()} never terminated its scheduler.
 */
@Timeout(120)
class InterruptReachesAFiberBlockedOnItsCarrierTest {

    /** A fiber in {@code latch.await()}: returns how the wait ended. */
    private static Fiber<String> awaiting(FiberScheduler s, CountDownLatch latch, CountDownLatch started) {
        return Fiber.builder().scheduler(s).start((Callable<String>) () -> {
            started.countDown();
            try {
                latch.await();
                return "opened";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
    }

    @Test
    void interruptEndsAFibersCountDownLatchAwait() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            CountDownLatch started = new CountDownLatch(1);
            Fiber<String> f = awaiting(s, new CountDownLatch(1), started);
            started.await();
            Await.until("the fiber's carrier to block in await", () -> threadOf(s, f) == Thread.State.WAITING);
            f.interrupt();
            Await.joined(f);
            assertEquals("interrupted", f.get());
        }
    }

    @Test
    void cancelEndsAFibersCountDownLatchAwait() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            CountDownLatch started = new CountDownLatch(1);
            Fiber<String> f = awaiting(s, new CountDownLatch(1), started);
            started.await();
            Await.until("the fiber's carrier to block in await", () -> threadOf(s, f) == Thread.State.WAITING);
            assertTrue(f.cancel());
            Await.joined(f);
            assertTrue(f.isCancelled());
        }
    }

    @Test
    void shutdownNowTerminatesASchedulerWhoseFibersWaitInCountDownLatchAwait() throws Exception {
        FiberScheduler s = Schedulers.workStealing(2);
        CountDownLatch never = new CountDownLatch(1);
        int fibers = 20; // more than the carriers: the watchdog compensates until all of them wait
        CountDownLatch started = new CountDownLatch(fibers);
        List<Fiber<String>> all = new ArrayList<>();
        for (int i = 0; i < fibers; i++) {
            all.add(awaiting(s, never, started));
        }
        started.await();
        s.shutdownNow();
        assertTrue(s.awaitTermination(Await.HANG), "shutdownNow did not terminate: " + s.stats());
        for (Fiber<String> f : all) {
            assertEquals(Fiber.State.TERMINATED, f.state());
        }
    }

    @Test
    void aCarrierInterruptStatusLeftByOneFiberDoesNotReachTheNext() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            AtomicBoolean seenBySecond = new AtomicBoolean(true);
            CountDownLatch firstInterrupted = new CountDownLatch(1);
            Fiber<Void> first = Fiber.builder().scheduler(s).start((Runnable) () -> {
                CurrentThread.get().interrupt(); // the carrier's status, as user code restoring it would
                firstInterrupted.countDown();
                Fiber.park(); // unmounts with the status set
            });
            firstInterrupted.await();
            Fiber<Void> second = Fiber.builder().scheduler(s).start((Runnable) () ->
                    seenBySecond.set(CurrentThread.get().isInterrupted()));
            Await.joined(second);
            assertFalse(seenBySecond.get(), "the second fiber's carrier was interrupted");
            first.unpark();
            Await.joined(first);
        }
    }

    /**
     * The race the protocol closes: an interrupter reads a fiber's carrier, the fiber unmounts,
     * another mounts there, and the interrupt lands on it. Bystander fibers, never interrupted,
     * must never find their carrier interrupted while target fibers on the same carriers are
     * interrupted without pause as they yield in and out.
     */
    @Test
    void interruptsAimedAtOneFiberNeverLandOnAnother() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong stray = new AtomicLong();
            AtomicLong bystanderMounts = new AtomicLong();
            AtomicLong targetWaitsEnded = new AtomicLong();
            List<Fiber<?>> targets = new ArrayList<>();
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Fiber<?> t = Fiber.builder().scheduler(s).start((Runnable) () -> {
                    while (!stop.get()) {
                        LockSupport.parkNanos(20_000); // a foreign wait an interrupt may end
                        if (CurrentThread.get().isInterrupted()) {
                            targetWaitsEnded.incrementAndGet();
                        }
                        Fiber.interrupted();
                        Fiber.yield();
                    }
                });
                targets.add(t);
                fibers.add(t);
                fibers.add(Fiber.builder().scheduler(s).start((Runnable) () -> {
                    while (!stop.get()) {
                        if (CurrentThread.get().isInterrupted()) {
                            stray.incrementAndGet();
                        }
                        bystanderMounts.incrementAndGet();
                        Fiber.yield();
                    }
                }));
            }
            Thread[] interrupters = new Thread[2];
            for (int i = 0; i < interrupters.length; i++) {
                interrupters[i] = Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int n = 0; n < 200_000; n++) {
                        targets.get(r.nextInt(targets.size())).interrupt();
                        if ((n & 63) == 0) {
                            Thread.yield();
                        }
                    }
                });
            }
            for (Thread t : interrupters) {
                Await.joined(t);
            }
            stop.set(true);
            Await.joinedAll(fibers);
            System.out.println("InterruptReachesAFiberBlockedOnItsCarrierTest: 400,000 interrupts, "
                    + bystanderMounts.get() + " bystander mounts, " + targetWaitsEnded.get()
                    + " target waits saw their carrier interrupted, " + stray.get() + " stray");
            assertEquals(0, stray.get(), "a bystander found its carrier interrupted");
            assertTrue(targetWaitsEnded.get() > 0, "no interrupt ever reached a target's carrier: the test proves nothing");
        }
    }

    /** The thread state of the carrier {@code f} runs on, found by name in a thread dump. */
    private static Thread.State threadOf(FiberScheduler s, Fiber<?> f) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("weft-" + s.stats().name() + "-carrier-")) {
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getClassName().equals(CountDownLatch.class.getName())) {
                        return t.getState();
                    }
                }
            }
        }
        return null;
    }
}
