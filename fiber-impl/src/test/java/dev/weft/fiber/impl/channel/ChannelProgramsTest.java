package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classic channel programs, each checking its whole output: a prime sieve pipeline, fan-out and
 * fan-in, many producers and consumers counting every item, fibers and threads mixed, and the
 * FIFO service of waiters.
 */
class ChannelProgramsTest extends ChannelTestSupport {

    @ParameterizedTest
    @CsvSource({"WORK_STEALING, 0", "FIFO, 0", "WORK_STEALING, 2", "FIFO, 2"})
    void primeSievePipelineFindsTheFirstPrimes(Sched kind, int capacity) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        int count = 100;
        Fiber<List<Integer>> sieve = start(s, () -> {
            Channel<Integer> source = Channels.buffered(capacity);
            start(s, () -> {
                for (int i = 2; ; i++) {
                    source.send(box(i)); // ends when the scheduler is shut down after the test
                }
            });
            List<Integer> primes = new ArrayList<>();
            Channel<Integer> in = source;
            for (int k = 0; k < count; k++) {
                int prime = in.receive();
                primes.add(prime);
                Channel<Integer> from = in;
                Channel<Integer> to = Channels.buffered(capacity);
                start(s, () -> {
                    for (;;) {
                        int x = from.receive();
                        if (x % prime != 0) {
                            to.send(box(x));
                        }
                    }
                });
                in = to;
            }
            return primes;
        });
        List<Integer> expected = IntStream.iterate(2, i -> i + 1).filter(ChannelProgramsTest::isPrime)
                .limit(count).boxed().toList();
        assertEquals(expected, results(List.of(sieve)).getFirst());
    }

    private static boolean isPrime(int n) {
        for (int d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void fanOutToWorkersAndFanInKeepsTheTotal(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> work = Channels.buffered(4);
        Channel<Long> results = Channels.rendezvous();
        int n = 20_000;
        int workers = 8;
        AtomicInteger running = new AtomicInteger(workers);
        start(s, () -> {
            for (int i = 1; i <= n; i++) {
                work.send(box(i));
            }
            work.close();
            return null;
        });
        for (int w = 0; w < workers; w++) {
            start(s, () -> {
                for (int x : work) {
                    results.send((long) x * x);
                }
                if (running.decrementAndGet() == 0) {
                    results.close();
                }
                return null;
            });
        }
        Fiber<long[]> collector = start(s, () -> {
            long sum = 0;
            long items = 0;
            for (long r : results) {
                sum += r;
                items++;
            }
            return new long[] {sum, items};
        });
        long[] got = results(List.of(collector)).getFirst();
        assertEquals((long) n * (n + 1) * (2L * n + 1) / 6, got[0], "sum of squares");
        assertEquals(n, got[1]);
    }

    @ParameterizedTest
    @CsvSource({"WORK_STEALING, 1, 2", "FIFO, 1, 2", "WORK_STEALING, 2, 2", "FIFO, 2, 2", "WORK_STEALING, 1, 4",
            "WORK_STEALING, 2, 4"})
    void eightProducersAndEightConsumersCountEveryItemOnce(Sched kind, int capacity, int carriers) throws Exception {
        FiberScheduler s = scheduler(kind, carriers);
        Channel<Integer> ch = Channels.buffered(capacity);
        int producers = 8;
        int perProducer = 100_000 / producers;
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger left = new AtomicInteger(producers);
        List<Fiber<Object>> all = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            all.add(start(s, () -> {
                for (int i = 0; i < perProducer; i++) {
                    ch.send(box(base + i));
                }
                if (left.decrementAndGet() == 0) {
                    ch.close();
                }
                return null;
            }));
        }
        for (int c = 0; c < 8; c++) {
            all.add(start(s, () -> {
                for (int x : ch) {
                    seen.incrementAndGet(x);
                }
                return null;
            }));
        }
        results(all);
        assertEachOnce(seen);
    }

    @Test
    void fibersAndThreadsMixedAsProducersAndConsumersCountEveryItemOnce() throws Exception {
        FiberScheduler s = scheduler(Sched.WORK_STEALING, 2);
        for (int capacity : new int[] {0, 1, 2}) {
            Channel<Integer> ch = Channels.buffered(capacity);
            int producers = 4;
            int perProducer = 5_000;
            AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
            AtomicInteger left = new AtomicInteger(producers);
            List<Fiber<Object>> fibers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                Runnable produce = () -> {
                    try {
                        for (int i = 0; i < perProducer; i++) {
                            ch.send(box(base + i));
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    if (left.decrementAndGet() == 0) {
                        ch.close();
                    }
                };
                if (p % 2 == 0) {
                    threads.add(Thread.ofPlatform().start(produce));
                } else {
                    fibers.add(start(s, () -> {
                        produce.run();
                        return null;
                    }));
                }
            }
            for (int c = 0; c < 4; c++) {
                Runnable consume = () -> ch.forEach(seen::incrementAndGet);
                if (c % 2 == 0) {
                    threads.add(Thread.ofPlatform().start(consume));
                } else {
                    fibers.add(start(s, () -> {
                        consume.run();
                        return null;
                    }));
                }
            }
            results(fibers);
            for (Thread t : threads) {
                t.join(Await.HANG.toMillis());
                assertTrue(!t.isAlive(), "thread " + t + " hangs on " + ch);
            }
            assertEachOnce(seen);
        }
    }

    private static void assertEachOnce(AtomicIntegerArray seen) {
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "item " + i + " received once");
        }
    }

    @Test
    void aThousandCancelledReceiversLeaveARendezvousChannelWithNoReceiver() throws Exception {
        FiberScheduler s = scheduler(Sched.WORK_STEALING, 2);
        Channel<Integer> ch = Channels.rendezvous();
        List<Fiber<Integer>> fibers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            fibers.add(start(s, ch::receive));
        }
        awaitReceivers(ch, 1_000);
        fibers.forEach(Fiber::cancel);
        Await.joinedAll(fibers);
        assertEquals(ChannelResult.Status.FULL, ch.trySend(box(1)).status());
        assertTrue(ch.toString().contains("waiting receivers 0"), ch.toString());
    }

    @Test
    void waitingReceiversAreServedInArrivalOrder() throws Exception {
        FiberScheduler s = scheduler(Sched.FIFO, 1);
        for (Channel<Integer> ch : List.<Channel<Integer>>of(Channels.rendezvous(), Channels.buffered(2))) {
            List<Fiber<Integer>> receivers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                receivers.add(start(s, ch::receive));
                awaitReceivers(ch, i + 1); // enqueued in a known order
            }
            for (int i = 0; i < 10; i++) {
                ch.send(box(i));
            }
            assertEquals(IntStream.range(0, 10).boxed().toList(), results(receivers), "receiver i gets item i: " + ch);
        }
    }

    @Test
    void waitingSendersAreServedInArrivalOrder() throws Exception {
        FiberScheduler s = scheduler(Sched.FIFO, 1);
        for (Channel<Integer> ch : List.<Channel<Integer>>of(Channels.rendezvous(), Channels.buffered(1))) {
            int buffered = ch.capacity();
            for (int i = 0; i < buffered; i++) {
                ch.send(box(-1));
            }
            List<Fiber<Object>> senders = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int item = i;
                senders.add(start(s, () -> {
                    ch.send(box(item));
                    return null;
                }));
                awaitSenders(ch, i + 1);
            }
            for (int i = 0; i < buffered; i++) {
                assertEquals(-1, ch.receive());
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(i, ch.receive(), "sender i's item comes i-th: " + ch);
            }
            results(senders);
        }
    }
}
