package dev.weft.fiber.impl.review;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fibers cancelled (and interrupted) at random while they send and receive, against fibers and
 * threads on the other side: a send that returned was accepted and is received exactly once
 * (by a receive that returned it, or from the buffer at the end), a send that threw was not, and
 * no waiter is left behind.
 */
class CancelRacingHandOffLosesNothingReviewTest {
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
    @CsvSource({"ws4,0", "ws4,1", "fifo2,0", "fifo2,2"})
    void cancelledAndInterruptedWaitersLoseNoItem(String kind, int capacity) throws Exception {
        FiberScheduler s = kind.equals("ws4") ? Schedulers.workStealing(4) : Schedulers.fifo(2);
        schedulers.add(s);
        Channel<Integer> ch = Channels.buffered(capacity);
        ConcurrentHashMap<Integer, Boolean> accepted = new ConcurrentHashMap<>();
        ConcurrentHashMap<Integer, Integer> received = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        int total = 20_000;
        List<Fiber<Void>> victims = new ArrayList<>();
        List<Fiber<Void>> senders = new ArrayList<>();
        List<Fiber<Void>> receivers = new ArrayList<>();
        for (int round = 0; round < 25; round++) {
            for (int k = 0; k < 4; k++) {
                Fiber<Void> snd = Fiber.builder().scheduler(s).start(() -> {
                    while (true) {
                        int i = next.getAndIncrement();
                        if (i >= total) {
                            return null;
                        }
                        try {
                            if ((i & 1) == 0) {
                                ch.send(i);
                            } else if (!ch.send(i, Duration.ofNanos(ThreadLocalRandom.current().nextInt(1, 20_000)))) {
                                continue;
                            }
                            accepted.put(i, true);
                        } catch (InterruptedException e) {
                            // not sent
                        }
                    }
                });
                Fiber<Void> rcv = Fiber.builder().scheduler(s).start(() -> {
                    while (true) {
                        Integer x;
                        try {
                            x = ch.receive();
                        } catch (InterruptedException e) {
                            continue;
                        } catch (ChannelClosedException e) {
                            return null;
                        }
                        if (received.merge(x, 1, Integer::sum) > 1) {
                            duplicates.incrementAndGet();
                        }
                    }
                });
                victims.add(snd);
                victims.add(rcv);
                senders.add(snd);
                receivers.add(rcv);
            }
        }
        // a thread receiver that is never cancelled keeps the channel moving
        Thread steady = new Thread(() -> {
            try {
                for (Integer x : ch) {
                    if (received.merge(x, 1, Integer::sum) > 1) {
                        duplicates.incrementAndGet();
                    }
                }
            } catch (RuntimeException ignored) {
                // closed
            }
        });
        steady.start();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (Fiber<Void> v : victims) {
            for (int k = rnd.nextInt(20_000); k > 0; k--) {
                Thread.onSpinWait();
            }
            if (rnd.nextInt(3) == 0) {
                v.interrupt();
            } else {
                v.cancel();
            }
        }
        // every sender ends (cancelled, or out of items); then the close ends the receivers
        for (Fiber<Void> f : senders) {
            Await.joined(f);
        }
        ch.close();
        for (Fiber<Void> f : receivers) {
            Await.joined(f);
        }
        steady.join(Await.HANG.toMillis());
        assertTrue(!steady.isAlive(), "the steady receiver did not end");
        for (var r = ch.tryReceive(); r.isSuccess(); r = ch.tryReceive()) {
            received.merge(r.item(), 1, Integer::sum);
        }
        assertEquals(0, duplicates.get(), "items received twice");
        assertEquals(accepted.keySet(), received.keySet(), "accepted and received items differ");
        String d = ch.toString();
        assertTrue(d.contains("waiting senders 0,") && d.contains("waiting receivers 0,"), "waiters left: " + d);
    }
}
