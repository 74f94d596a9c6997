package dev.weft.fiber.sim;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberSemaphore;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under the deterministic scheduler every Weft time-out runs on the virtual clock, which jumps to
 * the next deadline when every fiber waits: long waits end at once (the {@code @Timeout}s bound
 * the real time), exactly at their deadline in virtual time.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class VirtualTimeTest {

    private static final long HOUR = Duration.ofHours(1).toNanos();

    @Test
    void anHourOfSleepPassesAtOnceAndExactlyOnTheVirtualClock() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(1);
        long[] woke = new long[1];
        s.run(() -> {
            Fiber.sleep(Duration.ofHours(1));
            woke[0] = s.nanoTime();
        });
        assertEquals(HOUR, woke[0]);
        assertEquals(Instant.EPOCH.plus(Duration.ofHours(1)), s.clock().instant());
        assertEquals(Instant.EPOCH.plus(Duration.ofHours(1)).toEpochMilli(), s.clock().millis());
    }

    @Test
    void manySleepersWakeInDeadlineOrderEachAtItsDeadline() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(7);
        int n = 300;
        long[] deadline = new long[n];
        long[] woke = new long[n];
        List<Integer> order = new ArrayList<>();
        s.run(() -> {
            SplittableRandom r = new SplittableRandom(3);
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int me = i;
                deadline[i] = Duration.ofMinutes(1 + r.nextInt(60)).toNanos();
                fibers.add(Fiber.start(() -> {
                    Fiber.sleep(Duration.ofNanos(deadline[me]));
                    woke[me] = s.nanoTime();
                    order.add(me);
                    return null;
                }));
            }
            for (Fiber<?> f : fibers) {
                f.join();
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(deadline[i], woke[i], "sleeper " + i);
        }
        for (int i = 1; i < n; i++) {
            assertTrue(deadline[order.get(i - 1)] <= deadline[order.get(i)], "woke out of deadline order at " + i);
        }
    }

    @Test
    void timedReceiveLockAcquireJoinAndSelectTimeOutOnTheVirtualClock() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(11);
        long tenMinutes = Duration.ofMinutes(10).toNanos();
        List<Long> timedOutAt = new ArrayList<>();
        s.run(() -> {
            Channel<String> empty = Channels.rendezvous();
            assertNull(empty.receive(Duration.ofMinutes(10)));
            timedOutAt.add(s.nanoTime());

            FiberLock lock = new FiberLock();
            Fiber<?> holder = Fiber.builder().name("holder").start(() -> {
                lock.lock();
                try {
                    Fiber.sleep(Duration.ofHours(5));
                } finally {
                    lock.unlock();
                }
                return null;
            });
            Fiber.yield(); // one other fiber: the holder takes the lock now
            long before = s.nanoTime();
            assertFalse(lock.tryLock(10, TimeUnit.MINUTES));
            timedOutAt.add(s.nanoTime() - before);

            FiberSemaphore none = new FiberSemaphore(0);
            before = s.nanoTime();
            assertFalse(none.tryAcquire(10, TimeUnit.MINUTES));
            timedOutAt.add(s.nanoTime() - before);

            before = s.nanoTime();
            assertFalse(holder.join(Duration.ofMinutes(10)));
            timedOutAt.add(s.nanoTime() - before);

            before = s.nanoTime();
            String r = Select.select(empty.onReceive(v -> "item"), Select.<String>onTimeout(Duration.ofMinutes(10), () -> "timeout"));
            assertEquals("timeout", r);
            timedOutAt.add(s.nanoTime() - before);

            holder.cancel();
            holder.join();
        });
        assertEquals(List.of(tenMinutes, tenMinutes, tenMinutes, tenMinutes, tenMinutes), timedOutAt);
    }

    @Test
    void theScheduledRawFiberExecutorAndItsFuturesRunOnTheVirtualClock() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(13);
        List<Long> ranAt = new ArrayList<>();
        long[] getTimedOutAfter = {-1};
        s.run(() -> {
            try (ScheduledExecutorService ex = FiberExecutors.newScheduledRawFiberExecutor(s)) {
                ScheduledFuture<?> ticks = ex.scheduleAtFixedRate(() -> ranAt.add(s.nanoTime()), 1, 1, TimeUnit.MINUTES);
                Future<?> slow = ex.submit(() -> {
                    Fiber.sleep(Duration.ofHours(1));
                    return null;
                });
                long before = s.nanoTime();
                assertThrows(TimeoutException.class, () -> slow.get(10, TimeUnit.MINUTES));
                getTimedOutAfter[0] = s.nanoTime() - before;
                Fiber.sleep(Duration.ofMinutes(60).plusSeconds(30));
                ticks.cancel(false);
                slow.get();
            }
        });
        assertEquals(Duration.ofMinutes(10).toNanos(), getTimedOutAfter[0]);
        assertEquals(70, ranAt.size(), "ticks in 10 + 60.5 virtual minutes");
        for (int i = 0; i < ranAt.size(); i++) {
            assertEquals(Duration.ofMinutes(i + 1).toNanos(), ranAt.get(i), "tick " + i);
        }
    }

    @Test
    void theClockStandsStillWhileFibersAreRunnable() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(5);
        long[] seen = {-1};
        s.run(() -> {
            Fiber<?> spinner = Fiber.start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    Fiber.yield();
                }
            });
            for (int i = 0; i < 10_000; i++) {
                Fiber.yield();
            }
            spinner.join();
            seen[0] = s.nanoTime();
        });
        assertEquals(0, seen[0]);
    }
}
