package dev.weft.fiber.impl.review;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;
import dev.weft.fiber.SelectClause;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Selects over several channels that give up (time-out, interrupt) or meet a close while
 * matchers (plain timed sends, other selects) race them, from the public API only: every item a
 * send reports as sent is received exactly once, nothing a failed send offered is received, and
 * no waiter is left in any channel.
 */
class SelectGivingUpRacesReviewTest {
    private final List<FiberScheduler> schedulers = new ArrayList<>();

    private FiberScheduler scheduler(String kind) {
        FiberScheduler s = switch (kind) {
            case "ws4" -> Schedulers.workStealing(4);
            case "ws2" -> Schedulers.workStealing(2);
            default -> Schedulers.fifo(2);
        };
        schedulers.add(s);
        return s;
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        for (FiberScheduler s : schedulers) {
            s.shutdownNow();
        }
        for (FiberScheduler s : schedulers) {
            assertTrue(s.awaitTermination(Await.HANG), "scheduler did not terminate");
        }
    }

    private static void assertNoWaiters(Channel<?> ch) {
        String d = ch.toString();
        assertTrue(d.contains("waiting senders 0,") && d.contains("waiting receivers 0,"), "waiters left behind: " + d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws4", "fifo2"})
    void selectsThatTimeOutOrAreInterruptedTakeNothingAndLeaveNothing(String kind) throws Exception {
        FiberScheduler s = scheduler(kind);
        List<Channel<Integer>> chs = List.of(Channels.rendezvous(), Channels.rendezvous(), Channels.buffered(1));
        ConcurrentHashMap<Integer, Boolean> accepted = new ConcurrentHashMap<>();
        ConcurrentHashMap<Integer, Integer> received = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        int producers = 8;
        int consumers = 8;
        int perProducer = 2000;
        List<Fiber<Void>> prod = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            prod.add(Fiber.builder().scheduler(s).start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < perProducer; i++) {
                    Integer item = base + i;
                    Channel<Integer> ch = chs.get(rnd.nextInt(chs.size()));
                    boolean ok;
                    try {
                        if (rnd.nextBoolean()) {
                            ok = ch.send(item, Duration.ofNanos(rnd.nextInt(1, 50_000)));
                        } else {
                            ok = Select.select(
                                    chs.get(0).onSend(item, () -> true),
                                    chs.get(2).onSend(item, () -> true),
                                    Select.onTimeout(Duration.ofNanos(rnd.nextInt(1, 50_000)), () -> false));
                        }
                    } catch (InterruptedException e) {
                        ok = false;
                    }
                    if (ok) {
                        accepted.put(item, true);
                    }
                }
                return null;
            }));
        }
        List<Fiber<Void>> cons = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            cons.add(Fiber.builder().scheduler(s).start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop.get()) {
                    List<SelectClause<Integer>> clauses = new ArrayList<>();
                    for (Channel<Integer> ch : chs) {
                        clauses.add(ch.onReceive(x -> x));
                    }
                    clauses.add(Select.onTimeout(Duration.ofNanos(rnd.nextInt(1, 50_000)), () -> null));
                    Integer x;
                    try {
                        x = Select.select(clauses);
                    } catch (InterruptedException e) {
                        continue;
                    }
                    if (x != null && received.merge(x, 1, Integer::sum) > 1) {
                        duplicates.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Thread chaos = new Thread(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get()) {
                (rnd.nextBoolean() ? prod : cons).get(rnd.nextInt(producers)).interrupt();
                Thread.onSpinWait();
                for (int k = rnd.nextInt(2000); k > 0; k--) {
                    Thread.onSpinWait();
                }
            }
        });
        chaos.start();
        for (Fiber<Void> f : prod) {
            Await.joined(f);
            f.get();
        }
        // the consumers drain what the buffered channel still holds
        Await.until("buffered items drained", () -> chs.get(2).toString().contains("buffered 0,"));
        stop.set(true);
        chaos.join();
        for (Fiber<Void> f : cons) {
            Await.joined(f);
            f.get();
        }
        assertEquals(0, duplicates.get(), "items received twice");
        for (Integer x : received.keySet()) {
            assertTrue(accepted.containsKey(x), "received " + x + " whose send failed");
        }
        for (Integer x : accepted.keySet()) {
            assertTrue(received.containsKey(x), "accepted " + x + " was never received");
        }
        for (Channel<Integer> ch : chs) {
            assertNoWaiters(ch);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws4", "fifo2"})
    void selectsRacingACloseEndOnceAndLeaveNoWaiter(String kind) throws Exception {
        FiberScheduler s = scheduler(kind);
        for (int round = 0; round < 150; round++) {
            List<Channel<Integer>> chs = List.of(Channels.rendezvous(), Channels.rendezvous(), Channels.buffered(2));
            ConcurrentHashMap<Integer, Boolean> accepted = new ConcurrentHashMap<>();
            ConcurrentHashMap<Integer, Integer> received = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    while (true) {
                        Integer x;
                        try {
                            x = Select.select(chs.get(0).onReceive(v -> v), chs.get(1).onReceive(v -> v),
                                    chs.get(2).onReceive(v -> v));
                        } catch (ChannelClosedException closed) {
                            return null;
                        }
                        if (received.merge(x, 1, Integer::sum) > 1) {
                            duplicates.incrementAndGet();
                        }
                    }
                }));
            }
            int r = round;
            for (int p = 0; p < 3; p++) {
                int base = p * 1000;
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < 1000; i++) {
                        Integer item = base + i;
                        try {
                            chs.get(rnd.nextInt(3)).send(item);
                            accepted.put(item, true);
                        } catch (ChannelClosedException closed) {
                            // not accepted
                        }
                    }
                    return null;
                }));
            }
            fibers.add(Fiber.builder().scheduler(s).start(() -> {
                for (int k = 0; k < 20 + r % 50; k++) {
                    Fiber.yield();
                }
                for (Channel<Integer> ch : chs) {
                    ch.close();
                }
                return null;
            }));
            for (Fiber<Void> f : fibers) {
                Await.joined(f);
                f.get();
            }
            // a selector may end on a closed clause while another channel still buffers items: drain them
            for (Channel<Integer> ch : chs) {
                for (var res = ch.tryReceive(); res.isSuccess(); res = ch.tryReceive()) {
                    Integer x = res.item();
                    if (received.merge(x, 1, Integer::sum) > 1) {
                        duplicates.incrementAndGet();
                    }
                }
            }
            assertEquals(0, duplicates.get(), "round " + r + ": items received twice");
            assertEquals(accepted.keySet(), received.keySet(), "round " + r + ": accepted and received differ");
            for (Channel<Integer> ch : chs) {
                assertNoWaiters(ch);
            }
        }
    }
}
