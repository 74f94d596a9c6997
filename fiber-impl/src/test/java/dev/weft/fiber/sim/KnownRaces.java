package dev.weft.fiber.sim;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.test.SeededBody;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Four programs with a known concurrency bug each, that shows only under some interleavings of
 * their fibers: the targets of the exploration tests and of the strategy comparison. Each is a
 * {@link SeededBody}: it starts its fibers with {@code Fiber.start} (so they run on the
 * deterministic scheduler of the run) and fails (an assertion, or a deadlock) when the bug shows.
 */
final class KnownRaces {
    private KnownRaces() {
    }

    /** A named race. */
    record Race(String name, SeededBody body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Race> all() {
        return List.of(new Race("check-then-act counter", KnownRaces::counterAcrossYield),
                new Race("lost wake-up", KnownRaces::lostWakeUp),
                new Race("channel deadlock", KnownRaces::forkChannelsDeadlock),
                new Race("order of three", KnownRaces::orderOfThree));
    }

    /**
     * Check-then-act on a shared counter across a yield: two fibers read the counter, yield (a
     * stand-in for any Weft wait between the read and the write), and write back the value plus
     * one. When both read before either writes, an increment is lost.
     */
    static void counterAcrossYield(DeterministicScheduler scheduler) throws Exception {
        int[] counter = {0};
        List<Fiber<?>> fibers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            fibers.add(Fiber.builder().name("inc-" + i).start(() -> {
                int seen = counter[0];
                Fiber.yield();
                counter[0] = seen + 1;
            }));
        }
        for (Fiber<?> f : fibers) {
            f.join();
        }
        assertEquals(2, counter[0], "increments lost");
    }

    /**
     * A hand-written condition that loses a wake-up: the consumer checks the queue and then
     * (after a Weft call, here a yield) registers itself and parks; a producer that adds and
     * signals in between finds no waiter to wake, and the consumer parks for good: a deadlock.
     */
    static void lostWakeUp(DeterministicScheduler scheduler) throws Exception {
        ArrayDeque<String> queue = new ArrayDeque<>();
        Fiber<?>[] waiter = new Fiber<?>[1];
        Fiber<String> consumer = Fiber.builder().name("consumer").start(() -> {
            while (queue.isEmpty()) {
                Fiber.yield(); // e.g. a log line through a channel
                waiter[0] = Fiber.current();
                Fiber.park(); // no re-check between registering and parking: the bug
                waiter[0] = null;
            }
            return queue.poll();
        });
        Fiber<?> producer = Fiber.builder().name("producer").start(() -> {
            queue.add("job");
            Fiber<?> w = waiter[0];
            if (w != null) {
                w.unpark();
            }
        });
        producer.join();
        assertEquals("job", consumer.get());
    }

    /**
     * Two workers that each need both "forks", two buffered(1) channels holding one token each,
     * take them in opposite orders and report to a logger (a rendezvous, so a scheduling point)
     * between the two takes. When both hold their first fork, both wait for the other's: a deadlock.
     */
    static void forkChannelsDeadlock(DeterministicScheduler scheduler) throws Exception {
        Channel<String> forkA = Channels.buffered(1);
        Channel<String> forkB = Channels.buffered(1);
        forkA.send("a");
        forkB.send("b");
        Channel<String> log = Channels.rendezvous();
        Fiber<?> logger = Fiber.builder().name("logger").start(() -> {
            for (String line : log) {
                assertNotEquals("", line);
            }
        });
        Fiber<?> left = Fiber.builder().name("left").start(() -> eat(forkA, forkB, log, "left"));
        Fiber<?> right = Fiber.builder().name("right").start(() -> eat(forkB, forkA, log, "right"));
        left.join();
        right.join();
        log.close();
        logger.join();
    }

    private static void eat(Channel<String> first, Channel<String> second, Channel<String> log, String who) {
        try {
            String one = first.receive();
            log.send(who + " took " + one);
            String two = second.receive();
            log.send(who + " eats with " + one + " and " + two);
            first.send(one);
            second.send(two);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A depth-one bug that uniform random choice all but never finds and PCT finds about every
     * other seed: a long fiber (20 yields of work, then it publishes {@code done}) must overtake a
     * short one (one yield, then it checks that the long one is still busy), among six bystanders
     * that yield 20 times each. Uniformly, the long fiber must win 21 coin tosses in a row against
     * the short one; under PCT it wins whenever its priority is the higher.
     */
    static void longFiberOvertakes(DeterministicScheduler scheduler) throws Exception {
        boolean[] done = {false};
        List<Fiber<?>> fibers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fibers.add(Fiber.builder().name("bystander-" + i).start(() -> {
                for (int k = 0; k < 20; k++) {
                    Fiber.yield();
                }
            }));
        }
        fibers.add(Fiber.builder().name("long").start(() -> {
            for (int k = 0; k < 20; k++) {
                Fiber.yield();
            }
            done[0] = true;
        }));
        Fiber<Boolean> checker = Fiber.builder().name("short").start(() -> {
            Fiber.yield();
            return done[0];
        });
        for (Fiber<?> f : fibers) {
            f.join();
        }
        assertEquals(false, checker.get(), "the long fiber finished before the short one looked");
    }

    /**
     * A bug that needs one order of three fibers: a three-stage hand-over that is correct unless
     * {@code c} acts before {@code b} and {@code b} before {@code a}, each after its own number of
     * yields (a setup that is usually fast but can be overtaken).
     */
    static void orderOfThree(DeterministicScheduler scheduler) throws Exception {
        int[] stage = {0};
        Fiber<?> a = Fiber.builder().name("a").start(() -> {
            Fiber.yield();
            if (stage[0] == 2) {
                stage[0] = 3; // reached only in the order c, b, a
            }
        });
        Fiber<?> b = Fiber.builder().name("b").start(() -> {
            Fiber.yield();
            Fiber.yield();
            if (stage[0] == 1) {
                stage[0] = 2;
            }
        });
        Fiber<?> c = Fiber.builder().name("c").start(() -> {
            Fiber.yield();
            Fiber.yield();
            Fiber.yield();
            if (stage[0] == 0) {
                stage[0] = 1;
            }
        });
        a.join();
        b.join();
        c.join();
        assertNotEquals(3, stage[0], "the three fibers ran in the order c, b, a");
    }
}
