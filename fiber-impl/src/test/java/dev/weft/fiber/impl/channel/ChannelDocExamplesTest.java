package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples of docs/channels.md, compiled and run: the code between the {@code // doc:} markers
 * is what the page shows. Public API only.
 */
class ChannelDocExamplesTest {

    @Test
    void rendezvous() throws Exception {
        // doc:rendezvous
        Channel<String> handOff = Channels.rendezvous();
        Fiber<Void> producer = Fiber.start(() -> {
            handOff.send("hello");      // waits until a receiver takes it
            handOff.close();
            return null;
        });
        String got = handOff.receive(); // "hello"
        // doc:end
        producer.join();
        assertEquals("hello", got);
    }

    @Test
    void bufferedWithIteration() throws Exception {
        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            // doc:buffered
            Channel<Integer> jobs = Channels.buffered(16);
            Fiber<Void> producer = Fiber.builder().scheduler(scheduler).start(() -> {
                for (int i = 1; i <= 100; i++) {
                    jobs.send(i);           // waits only while 16 jobs are queued
                }
                jobs.close();               // the consumer's loop ends after the last job
                return null;
            });
            int sum = 0;
            for (int job : jobs) {
                sum += job;
            }
            // doc:end
            producer.join();
            assertEquals(5050, sum);
        }
    }

    @Test
    void unboundedAndConflated() throws Exception {
        // doc:unbounded
        Channel<String> log = Channels.unbounded();
        log.send("never waits");            // the buffer grows instead
        // doc:end
        // doc:conflated
        Channel<Double> temperature = Channels.conflated();
        temperature.send(20.5);
        temperature.send(21.0);             // replaces 20.5, not yet received
        double latest = temperature.receive(); // 21.0
        // doc:end
        assertEquals("never waits", log.receive());
        assertEquals(21.0, latest);
    }

    @Test
    void droppingPolicies() {
        // doc:overflow
        Channel<String> events = Channels.buffered(2, BufferOverflow.DROP_NEWEST);
        events.trySend("a");
        events.trySend("b");
        ChannelResult<String> r = events.trySend("c"); // r.status() == DROPPED: the buffer keeps a, b
        // doc:end
        assertEquals(ChannelResult.Status.DROPPED, r.status());
        assertEquals("a", events.tryReceive().item());
    }

    @Test
    void closeWithACause() throws Exception {
        // doc:close
        Channel<String> lines = Channels.buffered(8);
        lines.send("first");
        lines.close(new java.io.IOException("disk gone"));
        String first = lines.receive();     // "first": accepted items are still delivered
        try {
            lines.receive();
        } catch (ChannelClosedException e) {
            Throwable why = e.getCause();   // the IOException
        }
        // doc:end
        assertEquals("first", first);
        assertTrue(lines.isClosedForReceive());
        assertSame(java.io.IOException.class, lines.tryReceive().cause().getClass());
    }

    @Test
    void timeouts() throws Exception {
        Channel<String> replies = Channels.rendezvous();
        // doc:timeout
        String reply = replies.receive(Duration.ofMillis(100)); // null if none came in time
        boolean sent = replies.send("ping", Duration.ofMillis(100)); // false if no receiver came
        // doc:end
        assertEquals(null, reply);
        assertEquals(false, sent);
    }

    @Test
    void select() throws Exception {
        Channel<String> requests = Channels.buffered(1);
        Channel<String> replies = Channels.buffered(1);
        requests.send("r1");
        // doc:select
        String what = Select.select(
                requests.onReceive(r -> "request " + r),
                replies.onSend("reply", () -> "replied"),
                Select.onTimeout(Duration.ofSeconds(1), () -> "idle"));
        // doc:end
        assertTrue(what.equals("request r1") || what.equals("replied"), what);
        // doc:poll
        List<String> ready = new ArrayList<>();
        String next;
        while ((next = Select.select(requests.onReceive(r -> r),
                                     Select.onDefault(() -> null))) != null) {
            ready.add(next);                // drains what is there, never waits
        }
        // doc:end
        assertTrue(ready.size() <= 1);
    }
}
