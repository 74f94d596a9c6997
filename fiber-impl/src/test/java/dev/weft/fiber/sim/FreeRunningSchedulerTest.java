package dev.weft.fiber.sim;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deterministic scheduler used like any other, without {@code run}: fibers started on it from
 * the test thread and joined there run on its own carrier, in the seed's order and on the virtual
 * clock; a deadlock ends in cancelled fibers rather than a hung join.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FreeRunningSchedulerTest {

    private static List<String> interleaving(DeterministicScheduler s) throws Exception {
        List<String> events = new ArrayList<>();
        List<Fiber<?>> fibers = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            fibers.add(Fiber.builder().name(name).scheduler(s).start(() -> {
                for (int i = 0; i < 5; i++) {
                    events.add(name + i);
                    Fiber.yield();
                }
            }));
        }
        for (Fiber<?> f : fibers) {
            f.join();
        }
        return events;
    }

    @Test
    void fibersStartedAndJoinedFromATestThreadRepeatTheSeedsInterleaving() throws Exception {
        Set<List<String>> seen = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            DeterministicScheduler first = Schedulers.deterministic(seed);
            List<String> events = interleaving(first);
            for (int again = 0; again < 5; again++) {
                DeterministicScheduler s = Schedulers.deterministic(seed);
                assertEquals(events, interleaving(s), "seed " + seed + ", repetition " + again);
                assertEquals(first.trace(), s.trace());
            }
            seen.add(events);
        }
        assertTrue(seen.size() > 5, "10 seeds gave only " + seen.size() + " interleavings");
    }

    @Test
    void anHourOfSleepInAFiberJoinedFromATestThreadPassesAtOnce() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(9);
        Fiber<Long> f = Fiber.builder().scheduler(s).start(() -> {
            Fiber.sleep(Duration.ofHours(1));
            return s.nanoTime();
        });
        assertEquals(Duration.ofHours(1).toNanos(), f.get());
    }

    @Test
    void aRealThreadMayFeedAFiberInThisMode() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(2);
        Channel<Integer> ch = Channels.rendezvous();
        Fiber<Integer> sum = Fiber.builder().name("summer").scheduler(s).start(() -> {
            int total = 0;
            for (Integer x : ch) {
                total += x;
            }
            return total;
        });
        for (int i = 1; i <= 100; i++) {
            ch.send(i);
        }
        ch.close();
        assertEquals(5050, sum.get());
    }

    @Test
    void aDeadlockCancelsTheFibersInsteadOfHangingTheJoin() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(4);
        Channel<Integer> never = Channels.rendezvous();
        Fiber<Integer> stuck = Fiber.builder().name("stuck").scheduler(s).start(() -> never.receive());
        assertTrue(stuck.join(Duration.ofSeconds(20)), "the deadlocked fiber was not ended");
        assertThrows(Exception.class, stuck::get);
    }

    @Test
    void closeWaitsForTheFibersAndTerminates() throws Exception {
        FiberScheduler s = Schedulers.deterministic(5);
        List<Integer> done = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int me = i;
            Fiber.builder().scheduler(s).start(() -> {
                Fiber.sleep(Duration.ofMinutes(me));
                synchronized (done) {
                    done.add(me);
                }
                return null;
            });
        }
        s.close();
        assertTrue(s.isTerminated());
        assertEquals(50, done.size());
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> Fiber.builder().scheduler(s).start(() -> { }));
    }

    @Test
    void runIsRefusedOnASchedulerInUseWithoutIt() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(6);
        Fiber.builder().scheduler(s).start(() -> { }).join();
        assertThrows(IllegalStateException.class, () -> s.run(() -> { }));
    }

}
