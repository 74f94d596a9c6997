package dev.weft.fiber.impl.review;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Selects that both send and receive on the same shared channels, then a close: each item sent is received once. */
class SymmetricSelectExchangeReviewTest {
    private final List<FiberScheduler> schedulers = new ArrayList<>();

    @AfterEach
    void shutDown() throws InterruptedException {
        for (FiberScheduler s : schedulers) {
            s.shutdownNow();
        }
        for (FiberScheduler s : schedulers) {
            assertTrue(s.awaitTermination(Await.HANG), "scheduler did not terminate");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws4", "fifo2"})
    void selectsSendingAndReceivingOnSharedChannelsMatchEachItemOnce(String kind) throws Exception {
        FiberScheduler s = kind.equals("ws4") ? Schedulers.workStealing(4) : Schedulers.fifo(2);
        schedulers.add(s);
        List<Channel<Integer>> chs = List.of(Channels.rendezvous(), Channels.rendezvous(), Channels.buffered(1));
        ConcurrentHashMap<Integer, Boolean> sent = new ConcurrentHashMap<>();
        ConcurrentHashMap<Integer, Integer> received = new ConcurrentHashMap<>();
        AtomicInteger dup = new AtomicInteger();
        AtomicInteger ids = new AtomicInteger();
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int k = 0; k < 16; k++) {
            fibers.add(Fiber.builder().scheduler(s).start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                Integer item = ids.getAndIncrement();
                for (int i = 0; i < 1500; i++) {
                    Channel<Integer> a = chs.get(rnd.nextInt(3));
                    Channel<Integer> b = chs.get(rnd.nextInt(3));
                    Integer mine = item;
                    Integer got;
                    try {
                        got = Select.select(
                                a.onSend(mine, () -> -1),
                                b.onReceive(x -> x),
                                a.onReceive(x -> x),
                                Select.onTimeout(Duration.ofNanos(rnd.nextInt(1, 30_000)), () -> -2));
                    } catch (ChannelClosedException | InterruptedException e) {
                        return null;
                    }
                    if (got == -1) {
                        sent.put(mine, true);
                        item = ids.getAndIncrement();
                    } else if (got >= 0 && received.merge(got, 1, Integer::sum) > 1) {
                        dup.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Fiber<Void> f : fibers) {
            Await.joined(f);
            f.get();
        }
        for (Channel<Integer> ch : chs) {
            ch.close();
            for (var r = ch.tryReceive(); r.isSuccess(); r = ch.tryReceive()) {
                received.merge(r.item(), 1, Integer::sum);
            }
            String d = ch.toString();
            assertTrue(d.contains("waiting senders 0,") && d.contains("waiting receivers 0,"), "waiters left: " + d);
        }
        assertEquals(0, dup.get());
        assertEquals(sent.keySet(), received.keySet());
    }
}
