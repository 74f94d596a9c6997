package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.ChannelInterruptedException;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link Channel} that every kind keeps, run against each kind by a subclass.
 * Cases where scheduling matters run on both scheduler kinds with two carriers. No assertion
 * depends on timing: waits are bounded by {@link Await#HANG} only to turn a hang into a failure.
 */
abstract class ChannelContractTest extends ChannelTestSupport {

    /** A new channel of the kind under test. */
    abstract <T> Channel<T> newChannel();

    private Channel<Integer> channel() {
        return newChannel();
    }

    private boolean lossless(Channel<?> ch) {
        return ch.overflow() == BufferOverflow.SUSPEND;
    }

    /** Whether a sender can be made to wait: the buffer can be full and the policy is to suspend. */
    private boolean sendersWait(Channel<?> ch) {
        return lossless(ch) && ch.capacity() != Integer.MAX_VALUE;
    }

    /** Buffers 1000, 1001, ... from this thread, up to the capacity or {@code limit}; returns how many. */
    private static int fill(Channel<Integer> ch, int limit) {
        int n = 0;
        while (n < Math.min(ch.capacity(), limit)) {
            assertEquals(ChannelResult.Status.SENT, ch.trySend(box(1000 + n)).status());
            n++;
        }
        return n;
    }

    private static int fill(Channel<Integer> ch) {
        int n = fill(ch, Integer.MAX_VALUE);
        assertEquals(ChannelResult.Status.FULL, ch.trySend(box(-1)).status());
        return n;
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void itemsOfOneSenderArriveInOrderAndOnce(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        int n = 20_000;
        Fiber<Void> producer = start(s, () -> {
            for (int i = 0; i < n; i++) {
                ch.send(box(i));
            }
            ch.close();
            return null;
        });
        Fiber<List<Integer>> consumer = start(s, () -> {
            List<Integer> got = new ArrayList<>();
            for (Integer x : ch) {
                got.add(x);
            }
            return got;
        });
        List<Integer> got = results(List.of(consumer)).getFirst();
        Await.joined(producer);
        producer.get();
        if (lossless(ch)) {
            assertEquals(IntStream.range(0, n).boxed().toList(), got);
        } else {
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i - 1) < got.get(i), "order kept, no duplicate: " + got.subList(i - 1, i + 1));
            }
            if (ch.overflow() == BufferOverflow.DROP_OLDEST) {
                assertEquals(n - 1, got.getLast(), "the latest item is never dropped");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void manyProducersAndConsumersDeliverEachItemExactlyOnce(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        assumeTrue(lossless(ch), "a dropping channel loses items by design");
        int producers = 8;
        int consumers = 8;
        int perProducer = 2_500;
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger producersLeft = new AtomicInteger(producers);
        List<Fiber<Object>> all = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            all.add(start(s, () -> {
                for (int i = 0; i < perProducer; i++) {
                    ch.send(box(base + i));
                }
                if (producersLeft.decrementAndGet() == 0) {
                    ch.close();
                }
                return null;
            }));
        }
        for (int c = 0; c < consumers; c++) {
            all.add(start(s, () -> {
                for (Integer x : ch) {
                    seen.incrementAndGet(x);
                }
                return null;
            }));
        }
        results(all);
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "item " + i + " received once");
        }
        assertTrue(ch.isClosedForReceive());
    }

    @Test
    void closeDeliversTheAcceptedItemsThenSignalsClosedWithTheCause() throws Exception {
        Channel<Integer> ch = channel();
        int accepted = fill(ch, 3);
        assertEquals(accepted, impl(ch).bufferedCount());
        IllegalStateException cause = new IllegalStateException("producer failed");
        assertTrue(ch.close(cause));
        assertFalse(ch.close(), "close is idempotent and reports it did nothing");
        assertTrue(ch.isClosedForSend());
        ChannelResult<Integer> refused = ch.trySend(box(7));
        assertEquals(ChannelResult.Status.CLOSED, refused.status());
        assertSame(cause, refused.cause());
        ChannelClosedException sendAfter = assertThrows(ChannelClosedException.class, () -> ch.send(box(7)));
        assertSame(cause, sendAfter.getCause());
        for (int i = 0; i < accepted; i++) {
            assertFalse(ch.isClosedForReceive(), "items are still buffered");
            assertEquals(1000 + i, ch.receive());
        }
        assertTrue(ch.isClosedForReceive());
        ChannelClosedException e = assertThrows(ChannelClosedException.class, ch::receive);
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        ChannelResult<Integer> r = ch.tryReceive();
        assertEquals(ChannelResult.Status.CLOSED, r.status());
        assertSame(cause, r.cause());
        assertThrows(ChannelClosedException.class, () -> ch.receive(Duration.ofSeconds(1)));
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void closeWakesEveryWaitingReceiverWithTheCause(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        int n = 50;
        List<Fiber<Throwable>> receivers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            receivers.add(start(s, () -> {
                try {
                    return fail("received " + ch.receive());
                } catch (ChannelClosedException e) {
                    return e.getCause();
                }
            }));
        }
        awaitReceivers(ch, n);
        RuntimeException cause = new RuntimeException("done");
        ch.close(cause);
        for (Throwable t : results(receivers)) {
            assertSame(cause, t);
        }
        assertEquals(0, waitingReceivers(ch));
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void closeFailsEveryWaitingSenderAndKeepsTheBufferedItems(Sched kind) throws Exception {
        Channel<Integer> ch = channel();
        assumeTrue(sendersWait(ch), "senders of this kind never wait");
        FiberScheduler s = scheduler(kind, 2);
        int buffered = fill(ch);
        int n = 20;
        List<Fiber<Boolean>> senders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int item = i;
            senders.add(start(s, () -> {
                try {
                    ch.send(box(item));
                    return false;
                } catch (ChannelClosedException e) {
                    return true;
                }
            }));
        }
        awaitSenders(ch, n);
        ch.close();
        for (boolean failed : results(senders)) {
            assertTrue(failed, "a sender waiting at close fails");
        }
        assertEquals(0, waitingSenders(ch));
        for (int i = 0; i < buffered; i++) {
            assertEquals(1000 + i, ch.receive());
        }
        assertEquals(ChannelResult.Status.CLOSED, ch.tryReceive().status());
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void timedReceiveOnAnEmptyChannelReturnsNullAndLeavesNoWaiter(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        assertNull(ch.receive(Duration.ZERO));
        assertNull(ch.receive(Duration.ofMillis(-5)));
        assertNull(ch.receive(Duration.ofMillis(5)), "thread");
        List<Fiber<Integer>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fibers.add(start(s, () -> ch.receive(Duration.ofMillis(2))));
        }
        for (Integer x : results(fibers)) {
            assertNull(x);
        }
        assertEquals(0, waitingReceivers(ch));
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void timedSendOnAFullChannelReturnsFalseAndLeavesNoWaiter(Sched kind) throws Exception {
        Channel<Integer> ch = channel();
        assumeTrue(sendersWait(ch), "senders of this kind never wait");
        FiberScheduler s = scheduler(kind, 2);
        int buffered = fill(ch);
        assertFalse(ch.send(box(-1), Duration.ZERO));
        assertFalse(ch.send(box(-1), Duration.ofMillis(5)), "thread");
        List<Fiber<Boolean>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fibers.add(start(s, () -> ch.send(box(-1), Duration.ofMillis(2))));
        }
        for (boolean sent : results(fibers)) {
            assertFalse(sent);
        }
        assertEquals(0, waitingSenders(ch));
        for (int i = 0; i < buffered; i++) {
            assertEquals(1000 + i, ch.tryReceive().item(), "no timed-out item got in");
        }
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void interruptedReceiverThrowsAndLeavesNoTrace(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Fiber<Boolean> f = start(s, () -> {
            try {
                seen.set(new AssertionError("received " + ch.receive()));
            } catch (InterruptedException e) {
                seen.set(e);
            }
            return Fiber.interrupted();
        });
        awaitReceivers(ch, 1);
        f.interrupt();
        assertFalse(results(List.of(f)).getFirst(), "the InterruptedException consumed the status");
        assertInstanceOf(InterruptedException.class, seen.get());
        assertEquals(0, waitingReceivers(ch));

        Thread t = Thread.ofPlatform().start(() -> {
            try {
                seen.set(new AssertionError("received " + ch.receive()));
            } catch (InterruptedException e) {
                seen.set(e);
            }
        });
        awaitReceivers(ch, 1);
        t.interrupt();
        t.join(Await.HANG.toMillis());
        assertInstanceOf(InterruptedException.class, seen.get());
        assertEquals(0, waitingReceivers(ch));
        noItemLostAfterGivingUp(ch);
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void cancelledReceiversLeaveNoTrace(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        int n = 200;
        AtomicInteger cancelled = new AtomicInteger();
        List<Fiber<Object>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                try {
                    return ch.receive();
                } catch (FiberCancelledException e) {
                    cancelled.incrementAndGet();
                    throw e;
                }
            }));
        }
        awaitReceivers(ch, n);
        fibers.forEach(Fiber::cancel);
        Await.joinedAll(fibers);
        assertEquals(n, cancelled.get());
        assertEquals(0, waitingReceivers(ch));
        noItemLostAfterGivingUp(ch);
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void cancelledAndInterruptedSendersLeaveNoTrace(Sched kind) throws Exception {
        Channel<Integer> ch = channel();
        assumeTrue(sendersWait(ch), "senders of this kind never wait");
        FiberScheduler s = scheduler(kind, 2);
        int buffered = fill(ch);
        int n = 100;
        List<Fiber<Object>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                ch.send(box(-1));
                return null;
            }));
        }
        awaitSenders(ch, n);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                fibers.get(i).cancel();
            } else {
                fibers.get(i).interrupt();
            }
        }
        Await.joinedAll(fibers);
        assertEquals(0, waitingSenders(ch));
        for (int i = 0; i < buffered; i++) {
            assertEquals(1000 + i, ch.tryReceive().item());
        }
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status(), "no abandoned item got in");
    }

    /** After waiters gave up: an item sent now is the one received next (none was swallowed by a dead waiter). */
    private void noItemLostAfterGivingUp(Channel<Integer> ch) throws InterruptedException {
        if (ch.capacity() == 0) {
            assertEquals(ChannelResult.Status.FULL, ch.trySend(box(5)).status(), "no live receiver is left");
            return;
        }
        assertEquals(ChannelResult.Status.SENT, ch.trySend(box(5)).status());
        assertEquals(5, ch.receive());
    }

    @ParameterizedTest
    @EnumSource(Sched.class)
    void threadsAndFibersExchangeItemsBothWays(Sched kind) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = channel();
        int n = 5_000;
        Fiber<List<Integer>> fiberReceiver = start(s, () -> {
            List<Integer> got = new ArrayList<>();
            for (Integer x : ch) {
                got.add(x);
            }
            return got;
        });
        for (int i = 0; i < n; i++) {
            ch.send(box(i)); // this thread sends
        }
        ch.close();
        checkReceived(ch, n, results(List.of(fiberReceiver)).getFirst());

        Channel<Integer> back = newChannel();
        Fiber<Void> fiberSender = start(s, () -> {
            for (int i = 0; i < n; i++) {
                back.send(box(i));
            }
            back.close();
            return null;
        });
        List<Integer> got = back.stream().collect(Collectors.toList()); // this thread receives
        results(List.of(fiberSender));
        checkReceived(back, n, got);
    }

    @Test
    void threadsExchangeItemsWithoutFibers() throws Exception {
        Channel<Integer> ch = channel();
        int n = 5_000;
        List<Integer> got = new ArrayList<>();
        Thread receiver = Thread.ofPlatform().start(() -> ch.forEach(got::add));
        for (int i = 0; i < n; i++) {
            ch.send(box(i));
        }
        ch.close();
        receiver.join(Await.HANG.toMillis());
        assertFalse(receiver.isAlive());
        checkReceived(ch, n, got);
    }

    private void checkReceived(Channel<?> ch, int n, List<Integer> got) {
        if (lossless(ch)) {
            assertEquals(IntStream.range(0, n).boxed().toList(), got);
        } else {
            assertFalse(got.isEmpty());
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i - 1) < got.get(i));
            }
        }
    }

    @Test
    void nullsAreRefusedWithAMessage() {
        Channel<Integer> ch = channel();
        NullPointerException e = assertThrows(NullPointerException.class, () -> ch.send(null));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertThrows(NullPointerException.class, () -> ch.send(null, Duration.ofSeconds(1)));
        assertThrows(NullPointerException.class, () -> ch.send(box(1), null));
        assertThrows(NullPointerException.class, () -> ch.receive(null));
        assertThrows(NullPointerException.class, () -> ch.close(null));
        assertThrows(NullPointerException.class, () -> ch.onSend(null, () -> 1));
        assertThrows(NullPointerException.class, () -> ch.onSend(box(1), null));
        assertThrows(NullPointerException.class, () -> ch.onReceive(null));
        assertFalse(ch.isClosedForSend(), "a refused call changes nothing");
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
    }

    @Test
    void iterationEndsAtCloseAndThrowsTheCauseWhenThereIsOne() {
        Channel<Integer> ch = channel();
        ch.trySend(box(1));
        ch.close();
        Iterator<Integer> it = ch.iterator();
        List<Integer> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        assertEquals(ch.capacity() == 0 ? List.of() : List.of(1), got);
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertEquals(0, ch.stream().count());

        Channel<Integer> failed = channel();
        IllegalArgumentException cause = new IllegalArgumentException("bad input upstream");
        failed.close(cause);
        ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> failed.iterator().hasNext());
        assertSame(cause, e.getCause());
        assertSame(cause, assertThrows(ChannelClosedException.class, () -> failed.stream().toList()).getCause());
    }

    @Test
    void interruptedIterationThrowsChannelInterruptedExceptionWithTheStatusSet() {
        Channel<Integer> ch = channel();
        Thread.currentThread().interrupt();
        try {
            ChannelInterruptedException e = assertThrows(ChannelInterruptedException.class, () -> ch.iterator().hasNext());
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is set again");
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, waitingReceivers(ch));
    }

    @Test
    void toStringNamesKindCapacityCountsAndState() {
        Channel<Integer> ch = channel();
        String open = ch.toString();
        assertTrue(open.contains("capacity " + ch.capacity()), open);
        assertTrue(open.contains("waiting senders 0") && open.contains("waiting receivers 0"), open);
        assertTrue(open.contains("open"), open);
        ch.close(new RuntimeException("why"));
        String closed = ch.toString();
        assertTrue(closed.contains("closed") && closed.contains("why"), closed);
    }
}
