package dev.weft.fiber.impl.spi;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time belongs to the scheduler: every timed wait of a fiber reads the scheduler's
 * {@link FiberScheduler#nanoTime()} and ends through its {@link FiberScheduler#wakeAt}; a
 * scheduler written against the SPI alone gets working time-outs from the defaults, and shuts
 * down through {@link FiberScheduler.FiberTask} without knowing the fiber implementation.
 */
class SchedulerOwnsTimeTest {

    /**
     * A scheduler written against the SPI alone: one platform thread runs the tasks; it tracks
     * its live fibers through the FiberTask interface; with {@code manualClock}, its time moves
     * only when the test calls {@link #advance}.
     */
    static class SpiOnlyScheduler implements FiberScheduler {
        private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spi-only-carrier");
            t.setDaemon(true);
            return t;
        });
        private final boolean manualClock;
        private final AtomicLong now = new AtomicLong(1_000_000_000L);
        private final PriorityQueue<Pending> timers = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
        final Set<FiberTask> live = ConcurrentHashMap.newKeySet();
        final AtomicInteger wakeAtCalls = new AtomicInteger();

        SpiOnlyScheduler(boolean manualClock) {
            this.manualClock = manualClock;
        }

        private static final class Pending implements Wakeup {
            final long deadline;
            final Runnable action;
            volatile boolean cancelled;

            Pending(long deadline, Runnable action) {
                this.deadline = deadline;
                this.action = action;
            }

            @Override
            public boolean cancel() {
                boolean was = cancelled;
                cancelled = true;
                return !was;
            }
        }

        @Override
        public void execute(Runnable task) {
            if (task instanceof FiberTask f) {
                live.add(f);
            }
            runner.execute(task);
        }

        @Override
        public void resume(Runnable fiber) {
            runner.execute(fiber);
        }

        @Override
        public void fiberTerminated(Runnable fiber) {
            live.remove((FiberTask) fiber);
        }

        @Override
        public long nanoTime() {
            return manualClock ? now.get() : FiberScheduler.super.nanoTime();
        }

        @Override
        public Wakeup wakeAt(long deadline, Runnable action) {
            wakeAtCalls.incrementAndGet();
            if (!manualClock) {
                return FiberScheduler.super.wakeAt(deadline, action);
            }
            Pending p = new Pending(deadline, action);
            synchronized (timers) {
                timers.add(p);
            }
            return p;
        }

        /** Moves the manual clock forward and runs the wake-ups that came due. */
        void advance(Duration d) {
            long t = now.addAndGet(d.toNanos());
            List<Pending> due = new ArrayList<>();
            synchronized (timers) {
                while (!timers.isEmpty() && timers.peek().deadline - t <= 0) {
                    due.add(timers.poll());
                }
            }
            for (Pending p : due) {
                if (!p.cancelled) {
                    p.action.run();
                }
            }
        }

        int pendingTimers() {
            synchronized (timers) {
                return (int) timers.stream().filter(p -> !p.cancelled).count();
            }
        }

        @Override
        public void shutdown() {
            runner.shutdown();
        }

        @Override
        public void shutdownNow() {
            live.forEach(FiberTask::cancel);
            runner.shutdown();
        }

        @Override
        public boolean isShutdown() {
            return runner.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return runner.isTerminated();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            return runner.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public SchedulerStats stats() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void anHourOfSleepEndsWhenTheSchedulersClockSaysSo() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SpiOnlyScheduler s = new SpiOnlyScheduler(true);
            int n = 100;
            List<Fiber<Integer>> sleepers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int minutes = 1 + i % 60;
                sleepers.add(Fiber.builder().scheduler(s).start(() -> {
                    Fiber.sleep(Duration.ofMinutes(minutes));
                    return minutes;
                }));
            }
            Await.until("every sleeper has asked the scheduler for its wake-up", () -> s.pendingTimers() == n);
            s.advance(Duration.ofSeconds(59));
            Thread.sleep(50); // real time passes; the sleepers must not notice
            for (Fiber<Integer> f : sleepers) {
                assertFalse(f.isDone(), f + " woke before its scheduler's clock reached its deadline");
            }
            s.advance(Duration.ofMinutes(30)); // now at 30 min 59 s
            for (int i = 0; i < n; i++) {
                int minutes = 1 + i % 60;
                if (minutes <= 30) {
                    assertEquals(minutes, sleepers.get(i).join(Duration.ofSeconds(10)) ? sleepers.get(i).get() : -1);
                }
            }
            for (int i = 0; i < n; i++) {
                if (1 + i % 60 > 30) {
                    assertFalse(sleepers.get(i).isDone(), sleepers.get(i) + " slept less than its time");
                }
            }
            s.advance(Duration.ofMinutes(30));
            for (Fiber<Integer> f : sleepers) {
                assertTrue(f.join(Duration.ofSeconds(10)), f + " never woke");
            }
            s.shutdown();
        });
    }

    @Test
    void timedReceiveLockAndJoinTimeOutOnTheSchedulersClock() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SpiOnlyScheduler s = new SpiOnlyScheduler(true);
            Channel<String> empty = Channels.rendezvous();
            FiberLock held = new FiberLock();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = Thread.ofPlatform().start(() -> {
                held.lock();
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // ends the test's hold
                } finally {
                    held.unlock();
                }
            });
            holding.await();
            Fiber<Void> never = Fiber.builder().scheduler(s).start(() -> Fiber.park());
            Fiber<List<Object>> waiter = Fiber.builder().scheduler(s).start(() -> {
                List<Object> results = new ArrayList<>();
                results.add(empty.receive(Duration.ofMinutes(10)));
                results.add(held.tryLock(10, TimeUnit.MINUTES));
                results.add(never.join(Duration.ofMinutes(10)));
                return results;
            });
            for (int step = 0; step < 3; step++) {
                int expected = step + 1; // one wake-up per timed wait; nothing else here asks for one
                Await.until("the waiter's timed wait number " + (step + 1) + " has begun",
                        () -> s.wakeAtCalls.get() >= expected);
                assertFalse(waiter.isDone());
                s.advance(Duration.ofMinutes(10));
            }
            assertTrue(waiter.join(Duration.ofSeconds(10)), "the waiter never came back: " + waiter);
            List<Object> results = waiter.get();
            assertNull(results.get(0), "receive should have timed out");
            assertEquals(false, results.get(1), "tryLock should have timed out");
            assertEquals(false, results.get(2), "join should have timed out");
            release.countDown();
            holder.join();
            never.cancel();
            assertTrue(never.join(Duration.ofSeconds(10)));
            s.shutdown();
        });
    }

    @Test
    void aSchedulerThatKeepsTheDefaultsGetsWorkingTimeOuts() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SpiOnlyScheduler s = new SpiOnlyScheduler(false);
            Channel<Integer> empty = Channels.rendezvous();
            List<Fiber<Integer>> fibers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int k = i;
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    Fiber.sleep(Duration.ofMillis(1 + k % 5));
                    Integer none = empty.receive(Duration.ofMillis(1));
                    return none == null ? k : -1;
                }));
            }
            for (int i = 0; i < fibers.size(); i++) {
                assertTrue(fibers.get(i).join(Duration.ofSeconds(20)), "never woke: " + fibers.get(i));
                assertEquals(i, fibers.get(i).get());
            }
            assertTrue(s.wakeAtCalls.get() >= fibers.size(), "the timed waits ask their scheduler for wake-ups: " + s.wakeAtCalls.get());
            s.shutdown();
        });
    }

    @Test
    void aSchedulerCancelsItsFibersThroughTheirTasks() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SpiOnlyScheduler s = new SpiOnlyScheduler(false);
            int n = 500;
            AtomicInteger finallies = new AtomicInteger();
            List<Fiber<Void>> parked = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parked.add(Fiber.builder().scheduler(s).start(() -> {
                    try {
                        Fiber.park();
                        Fiber.park();
                    } finally {
                        finallies.incrementAndGet();
                    }
                }));
            }
            for (Fiber<Void> f : parked) {
                Await.state(f, Fiber.State.PARKED);
            }
            assertEquals(n, s.live.size());
            s.shutdownNow();
            for (Fiber<Void> f : parked) {
                assertTrue(f.join(Duration.ofSeconds(10)), "not cancelled: " + f);
                assertThrows(CancellationException.class, f::get, f + " should have ended cancelled");
            }
            assertEquals(n, finallies.get());
            Await.until("every fiber told its scheduler it ended", () -> s.live.isEmpty());
        });
    }

    @Test
    void aFibersTaskKeepsTheLinksItsSchedulerStores() throws Exception {
        AtomicLong seen = new AtomicLong();
        List<FiberScheduler.FiberTask> tasks = new ArrayList<>();
        FiberScheduler capturing = new SpiOnlyScheduler(false) {
            @Override
            public void execute(Runnable task) {
                tasks.add(assertInstanceOf(FiberScheduler.FiberTask.class, task));
                seen.incrementAndGet();
                super.execute(task);
            }
        };
        Fiber<Void> a = Fiber.builder().scheduler(capturing).start(() -> Fiber.park());
        Fiber<Void> b = Fiber.builder().scheduler(capturing).start(() -> Fiber.park());
        Await.state(a, Fiber.State.PARKED);
        Await.state(b, Fiber.State.PARKED);
        FiberScheduler.FiberTask ta = tasks.get(0);
        FiberScheduler.FiberTask tb = tasks.get(1);
        assertNull(ta.nextLink());
        assertEquals(0, ta.linkSlot());
        ta.setNextLink(tb);
        tb.setPrevLink(ta);
        ta.setLinkSlot(200);
        assertSame(tb, ta.nextLink());
        assertSame(ta, tb.prevLink());
        assertEquals(200, ta.linkSlot());
        assertEquals(-1, ta.homeCarrier());
        a.unpark();
        b.unpark();
        assertTrue(a.join(Duration.ofSeconds(10)) && b.join(Duration.ofSeconds(10)));
        assertEquals(2, seen.get());
        capturing.shutdown();
    }
}
