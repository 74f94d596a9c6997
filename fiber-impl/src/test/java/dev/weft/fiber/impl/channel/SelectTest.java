package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Select;
import dev.weft.fiber.SelectClause;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link Select} over Weft channels: one clause takes effect, fairly or in order, and the others leave no trace. */
class SelectTest extends ChannelTestSupport {

    @ParameterizedTest
    @EnumSource(Sched.class)
    void exactlyOneClauseTakesEffectWhenSelectsMeetSelects(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> a = Channels.rendezvous();
        Channel<Integer> b = Channels.rendezvous();
        int senders = 4;
        int perSender = 2_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(senders * perSender);
        AtomicInteger viaA = new AtomicInteger();
        List<Fiber<Object>> sending = new ArrayList<>();
        for (int p = 0; p < senders; p++) {
            int base = p * perSender;
            boolean selecting = p % 2 == 0; // half select between the channels, half send plainly
            sending.add(start(s, () -> {
                for (int i = 0; i < perSender; i++) {
                    Integer item = box(base + i);
                    if (selecting) {
                        Select.select(a.onSend(item, () -> null), b.onSend(item, () -> null));
                    } else if (i % 2 == 0) {
                        a.send(item);
                    } else {
                        b.send(item);
                    }
                }
                return null;
            }));
        }
        List<Fiber<Object>> receiving = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            boolean selecting = c != 0; // one plain receiver per channel would starve the other: one plain, on a
            receiving.add(start(s, () -> {
                try {
                    for (;;) {
                        int x = selecting
                                ? Select.<Integer>select(a.onReceive(v -> { viaA.incrementAndGet(); return v; }), b.onReceive(v -> v))
                                : a.receive();
                        seen.incrementAndGet(x);
                    }
                } catch (ChannelClosedException closed) {
                    return null;
                }
            }));
        }
        results(sending);
        a.close();
        b.close();
        results(receiving);
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "item " + i);
        }
        assertEquals(0, waitingReceivers(a) + waitingReceivers(b) + waitingSenders(a) + waitingSenders(b),
                a + " " + b);
    }

    @Test
    void thousandsOfOneShotSelectsMigratingBetweenCarriersMatchEachItemOnce() throws Exception {
        FiberScheduler s = scheduler(Sched.WORK_STEALING, 4); // more carriers than cores: fibers migrate
        Channel<Integer> a = Channels.rendezvous();
        Channel<Integer> b = Channels.buffered(1);
        int n = 2_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        List<Fiber<Object>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer item = box(i);
            all.add(start(s, () -> Select.select(a.onSend(item, () -> null), b.onSend(item, () -> null))));
            all.add(start(s, () -> {
                int x = Select.select(a.onReceive(v -> v), b.onReceive(v -> v));
                seen.incrementAndGet(x);
                return null;
            }));
        }
        results(all);
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "item " + i);
        }
        assertEquals(0, waitingReceivers(a) + waitingReceivers(b) + waitingSenders(a) + waitingSenders(b)
                + impl(b).bufferedCount(), a + " " + b);
    }

    @Test
    void unbiasedSelectGivesEachReadyClauseAFairShareTheLastIncluded() throws InterruptedException {
        List<Channel<Integer>> chs = List.of(Channels.buffered(1), Channels.buffered(1), Channels.buffered(1));
        List<SelectClause<Integer>> clauses = new ArrayList<>();
        for (int i = 0; i < chs.size(); i++) {
            int which = i;
            clauses.add(chs.get(i).onReceive(x -> which));
        }
        int[] wins2 = new int[2];
        int[] wins3 = new int[3];
        int rounds = 10_000;
        for (int r = 0; r < rounds; r++) {
            refill(chs, r);
            wins2[Select.select(clauses.get(0), clauses.get(1))]++;
            refill(chs, r);
            wins3[Select.select(clauses)]++;
        }
        for (int w : wins2) {
            assertTrue(w > rounds * 0.40 && w < rounds * 0.60, "two ready clauses: " + wins2[0] + " / " + wins2[1]);
        }
        for (int w : wins3) {
            assertTrue(w > rounds * 0.25 && w < rounds * 0.42, "three ready clauses: " + java.util.Arrays.toString(wins3));
        }
    }

    /** Makes every channel ready: each buffer of one is full (a full buffer just refuses the item). */
    private static void refill(List<Channel<Integer>> chs, int item) {
        for (Channel<Integer> ch : chs) {
            ch.trySend(box(item));
        }
    }

    @Test
    void orderedSelectPicksTheFirstReadyClause() throws InterruptedException {
        Channel<Integer> a = Channels.buffered(4);
        Channel<Integer> b = Channels.buffered(4);
        for (int i = 0; i < 3; i++) {
            a.send(box(i));
            b.send(box(10 + i));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("a" + i, Select.selectOrdered(a.onReceive(x -> "a" + x), b.onReceive(x -> "b" + x)));
        }
        assertEquals("b10", Select.selectOrdered(a.onReceive(x -> "a" + x), b.onReceive(x -> "b" + x)));
        assertEquals("sent to a", Select.selectOrdered(a.onSend(box(1), () -> "sent to a"), b.onReceive(x -> "b" + x)));
        assertEquals(2, impl(b).bufferedCount(), "the losing clause took nothing");
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void timeoutClauseFiresWhenNothingElseCompletesAndLeavesNoWaiter(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> a = Channels.rendezvous();
        Channel<Integer> b = Channels.buffered(1);
        b.send(box(0)); // b full: its send clause must wait too
        SelectClause<String> timeout = Select.onTimeout(Duration.ofMillis(2), () -> "timeout");
        assertEquals("timeout", Select.select(a.onReceive(x -> "a"), b.onSend(box(1), () -> "b"), timeout));
        List<Fiber<String>> fibers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fibers.add(start(s, () -> Select.select(a.onReceive(x -> "a"), b.onSend(box(1), () -> "b"), timeout)));
        }
        for (String r : results(fibers)) {
            assertEquals("timeout", r);
        }
        assertEquals(0, waitingReceivers(a) + waitingSenders(b), a + " " + b);
        assertEquals(ChannelResult.Status.FULL, a.trySend(box(1)).status());
        assertEquals(0, b.receive());
        assertEquals(ChannelResult.Status.EMPTY, b.tryReceive().status());
        assertEquals("now", Select.select(a.onReceive(x -> "a"), Select.onTimeout(Duration.ZERO, () -> "now")));
    }

    @Test
    void defaultClauseRunsOnlyWhenNoOtherClauseCanCompleteAtOnce() throws InterruptedException {
        Channel<Integer> a = Channels.buffered(1);
        assertEquals("default", Select.select(a.onReceive(x -> "got " + x), Select.onDefault(() -> "default")));
        a.send(box(3));
        assertEquals("got 3", Select.select(a.onReceive(x -> "got " + x), Select.onDefault(() -> "default")));
        assertEquals(0, waitingReceivers(a));
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void aClosedChannelMakesTheSelectThrowAndCloseWakesAWaitingSelect(Sched kind) throws Exception {
        Channel<Integer> a = Channels.rendezvous();
        Channel<Integer> b = Channels.rendezvous();
        RuntimeException cause = new RuntimeException("gone");
        a.close(cause);
        ChannelClosedException e = assertThrows(ChannelClosedException.class,
                () -> Select.select(a.onReceive(x -> x), b.onReceive(x -> x)));
        assertSame(cause, e.getCause());
        assertThrows(ChannelClosedException.class, () -> Select.select(a.onSend(box(1), () -> 1), b.onReceive(x -> x)));

        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> c = Channels.rendezvous();
        Fiber<Throwable> waiting = start(s, () -> {
            try {
                return fail("selected " + Select.select(b.onReceive(x -> x), c.onSend(box(1), () -> 1)));
            } catch (ChannelClosedException closed) {
                return closed;
            }
        });
        awaitReceivers(b, 1);
        c.close();
        assertInstanceOf(ChannelClosedException.class, results(List.of(waiting)).getFirst());
        assertEquals(0, waitingReceivers(b), "the other clause left no waiter: " + b);
    }

    @Test
    void aThreadSelectWaitsForAFiber() throws Exception {
        FiberScheduler s = scheduler(Sched.FIFO, 1);
        Channel<Integer> a = Channels.rendezvous();
        Channel<Integer> b = Channels.rendezvous();
        Fiber<Object> sender = start(s, () -> {
            awaitReceivers(b, 1); // the thread below is in its select
            b.send(box(9));
            return null;
        });
        assertEquals("b9", Select.select(a.onReceive(x -> "a" + x), b.onReceive(x -> "b" + x)));
        results(List.of(sender));
        assertEquals(0, waitingReceivers(a));
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void cancelledOrInterruptedSelectLeavesNoWaiter(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> a = Channels.rendezvous();
        Channel<Integer> b = Channels.rendezvous();
        int n = 100;
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<Fiber<Object>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                try {
                    return Select.select(a.onReceive(x -> x), b.onSend(box(1), () -> 1));
                } catch (FiberCancelledException e) {
                    cancelled.incrementAndGet();
                    throw e;
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    return null;
                }
            }));
        }
        awaitReceivers(a, n);
        awaitSenders(b, n);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                fibers.get(i).cancel();
            } else {
                fibers.get(i).interrupt();
            }
        }
        Await.joinedAll(fibers);
        assertEquals(n / 2, cancelled.get());
        assertEquals(n / 2, interrupted.get());
        assertEquals(0, waitingReceivers(a) + waitingSenders(b), a + " " + b);
        assertEquals(ChannelResult.Status.FULL, a.trySend(box(1)).status());
        assertEquals(ChannelResult.Status.EMPTY, b.tryReceive().status());

        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Select.select(a.onReceive(x -> x));
            } catch (InterruptedException e) {
                seen.set(e);
            }
        });
        awaitReceivers(a, 1);
        t.interrupt();
        t.join(Await.HANG.toMillis());
        assertInstanceOf(InterruptedException.class, seen.get());
        assertEquals(0, waitingReceivers(a));
    }

    @Test
    void aSelectDoesNotMatchItsOwnSendWithItsOwnReceive() throws InterruptedException {
        Channel<Integer> a = Channels.rendezvous();
        assertEquals("timeout", Select.select(a.onSend(box(1), () -> "sent"), a.onReceive(x -> "received"),
                Select.onTimeout(Duration.ofMillis(2), () -> "timeout")));
        assertEquals(0, waitingReceivers(a) + waitingSenders(a));
    }

    @Test
    void selectClausesMeetPlainWaiters() throws Exception {
        FiberScheduler s = scheduler(Sched.WORK_STEALING, 2);
        Channel<Integer> a = Channels.rendezvous();
        Fiber<Integer> receiver = start(s, a::receive);
        awaitReceivers(a, 1);
        assertEquals("sent", Select.select(a.onSend(box(4), () -> "sent")));
        assertEquals(4, results(List.of(receiver)).getFirst());
        Fiber<Object> sender = start(s, () -> {
            a.send(box(5));
            return null;
        });
        awaitSenders(a, 1);
        assertEquals(5, Select.<Integer>select(a.onReceive(x -> x)));
        results(List.of(sender));
    }

    @Test
    void aClauseServesManySelectsOneAfterAnother() throws InterruptedException {
        Channel<Integer> a = Channels.buffered(1);
        SelectClause<Integer> receive = a.onReceive(x -> x);
        SelectClause<String> send = a.onSend(box(7), () -> "sent");
        for (int i = 0; i < 1_000; i++) {
            assertEquals("sent", Select.select(send));
            assertEquals(7, Select.select(receive));
        }
    }

    @Test
    void badClauseListsAreRefusedWithAMessage() {
        Channel<Integer> a = Channels.rendezvous();
        SelectClause<Integer> r = a.onReceive(x -> x);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Select.select(List.of())).getMessage()
                .contains("at least one"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Select.select(r, r)).getMessage()
                .contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Select.select(Select.onDefault(() -> 1), Select.onDefault(() -> 2))).getMessage().contains("onDefault"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Select.select(Select.onTimeout(Duration.ZERO, () -> 1), Select.onTimeout(Duration.ZERO, () -> 2)))
                .getMessage().contains("onTimeout"));
        SelectClause<Integer> foreign = new SelectClause<>() { };
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Select.select(r, foreign)).getMessage()
                .contains("not a clause made by Weft"));
        assertThrows(NullPointerException.class, () -> Select.select(r, null));
        assertThrows(NullPointerException.class, () -> Select.onTimeout(null, () -> 1));
        assertThrows(NullPointerException.class, () -> Select.onDefault(null));
        assertEquals(0, waitingReceivers(a), "a refused select registers nothing");
    }
}
