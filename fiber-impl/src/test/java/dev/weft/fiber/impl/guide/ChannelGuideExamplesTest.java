package dev.weft.fiber.impl.guide;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberSemaphore;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples of {@code docs/channels.md}, compiled and run. Each example is the code between a
 * {@code // docs:begin NAME} and a {@code // docs:end} line; {@code DocsShowTheCompiledExamplesTest}
 * checks that the document shows exactly that code, so the two cannot drift apart.
 */
class ChannelGuideExamplesTest {
    private final FiberScheduler scheduler = Schedulers.workStealing(2);

    @AfterEach
    void shutDown() {
        scheduler.close();
    }

    private <V> Fiber<V> fiber(java.util.concurrent.Callable<V> task) {
        return Fiber.builder().scheduler(scheduler).start(task);
    }

    @Test
    void rendezvous() throws Exception {
        Fiber<Integer> result = fiber(() -> {
            // docs:begin rendezvous
            Channel<Integer> ch = Channels.rendezvous();
            Fiber.start(() -> {
                for (int i = 1; i <= 5; i++) {
                    ch.send(i);          // waits until the consumer takes it
                }
                ch.close();
                return null;
            });
            int sum = 0;
            for (int x : ch) {           // ends when the channel is closed and drained
                sum += x;
            }
            // sum == 15
            // docs:end
            return sum;
        });
        assertEquals(15, result.get());
    }

    @Test
    void bufferedPipeline() throws Exception {
        Fiber<List<Integer>> result = fiber(() -> {
            // docs:begin buffered
            Channel<Integer> numbers = Channels.buffered(16);
            Channel<Integer> squares = Channels.buffered(16);
            Fiber.start(() -> {
                for (int i = 1; i <= 4; i++) {
                    numbers.send(i);     // waits only when 16 items are already queued
                }
                numbers.close();
                return null;
            });
            Fiber.start(() -> {
                try {
                    for (int n : numbers) {
                        squares.send(n * n);
                    }
                } finally {
                    squares.close();
                }
                return null;
            });
            List<Integer> out = squares.stream().toList();   // [1, 4, 9, 16]
            // docs:end
            return out;
        });
        assertEquals(List.of(1, 4, 9, 16), result.get());
    }

    @Test
    void unbounded() throws Exception {
        // docs:begin unbounded
        Channel<String> events = Channels.unbounded();
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 1_000; i++) {
                events.trySend("event " + i);   // never FULL: the buffer grows
            }
            events.close();
        });
        long count = events.stream().count();  // 1000
        // docs:end
        producer.join();
        assertEquals(1_000, count);
    }

    @Test
    void conflated() throws Exception {
        // docs:begin conflated
        Channel<Integer> progress = Channels.conflated();
        for (int percent = 0; percent <= 100; percent += 10) {
            progress.send(percent);             // never waits: replaces an unread value
        }
        int latest = progress.receive();        // 100
        ChannelResult<Integer> next = progress.tryReceive();   // EMPTY
        // docs:end
        assertEquals(100, latest);
        assertEquals(ChannelResult.Status.EMPTY, next.status());
    }

    @Test
    void overflowPolicies() throws Exception {
        // docs:begin overflow
        Channel<Integer> newest = Channels.buffered(2, BufferOverflow.DROP_NEWEST);
        newest.trySend(1);                      // SENT
        newest.trySend(2);                      // SENT
        ChannelResult<Integer> r = newest.trySend(3);   // DROPPED: the buffer keeps 1, 2
        Channel<Integer> oldest = Channels.buffered(2, BufferOverflow.DROP_OLDEST);
        oldest.send(1);
        oldest.send(2);
        oldest.send(3);                         // drops 1: the buffer keeps 2, 3
        // docs:end
        assertEquals(ChannelResult.Status.DROPPED, r.status());
        assertEquals(1, newest.receive());
        assertEquals(2, newest.receive());
        assertEquals(2, oldest.receive());
        assertEquals(3, oldest.receive());
    }

    @Test
    void closeWithCause() throws Exception {
        Fiber<String> result = fiber(() -> {
            // docs:begin close
            Channel<String> lines = Channels.buffered(8);
            lines.send("first");
            lines.send("second");
            lines.close(new java.io.IOException("connection reset"));
            String a = lines.receive();         // "first": accepted items are still delivered
            String b = lines.receive();         // "second"
            try {
                lines.receive();
            } catch (ChannelClosedException e) {
                // e.getCause() is the IOException: the channel is drained and closed
            }
            // docs:end
            assertThrows(ChannelClosedException.class, () -> lines.send("late"));
            ChannelClosedException e = assertThrows(ChannelClosedException.class, lines::receive);
            assertInstanceOf(java.io.IOException.class, e.getCause());
            return a + b;
        });
        assertEquals("firstsecond", result.get());
    }

    @Test
    void select() throws Exception {
        Fiber<List<String>> result = fiber(() -> {
            // docs:begin select
            Channel<String> orders = Channels.buffered(4);
            Channel<String> cancels = Channels.buffered(4);
            orders.send("order 1");
            cancels.send("cancel 7");
            List<String> seen = new ArrayList<>();
            while (true) {
                String what = Select.select(
                        orders.onReceive(o -> "got " + o),
                        cancels.onReceive(c -> "got " + c),
                        Select.onTimeout(Duration.ofMillis(50), () -> "idle"));
                if (what.equals("idle")) {
                    break;
                }
                seen.add(what);                  // both items, in some order
            }
            // docs:end
            return seen;
        });
        List<String> seen = result.get();
        assertEquals(2, seen.size());
        assertTrue(seen.containsAll(List.of("got order 1", "got cancel 7")), seen::toString);
    }

    @Test
    void lockAndCondition() throws Exception {
        // docs:begin lock
        FiberLock lock = new FiberLock();
        Condition nonEmpty = lock.newCondition();
        List<String> queue = new ArrayList<>();

        Fiber<String> consumer = Fiber.start(() -> {
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    nonEmpty.await();           // releases the lock, suspends the fiber
                }
                return queue.remove(0);
            } finally {
                lock.unlock();                  // held by this fiber, whatever carrier it is on now
            }
        });
        lock.lock();
        try {
            queue.add("job");
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
        String job = consumer.get();            // "job"
        // docs:end
        assertEquals("job", job);
    }

    @Test
    void semaphoreAndLatch() throws Exception {
        // docs:begin semaphore
        FiberSemaphore connections = new FiberSemaphore(10);   // at most 10 at once
        FiberCountDownLatch done = new FiberCountDownLatch(1_000);
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        for (int i = 0; i < 1_000; i++) {
            Fiber.start(() -> {
                connections.acquire();          // suspends while 10 fibers hold a permit
                try {
                    most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                    Fiber.sleep(Duration.ofMillis(1));
                    inUse.decrementAndGet();
                } finally {
                    connections.release();
                    done.countDown();
                }
                return null;
            });
        }
        done.await();                           // most.get() <= 10
        // docs:end
        assertTrue(most.get() <= 10 && most.get() >= 1, "most = " + most.get());
    }

    @Test
    void awaitAFuture() throws Exception {
        Fiber<String> result = fiber(() -> {
            // docs:begin await
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> "pong");
            String s = Fiber.await(reply);      // the fiber suspends; its carrier runs others
            // docs:end
            return s;
        });
        assertEquals("pong", result.get());
    }
}
