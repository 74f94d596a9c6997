package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Select;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A waiter that gives up (time-out, interrupt, cancel) racing the matcher that would serve it:
 * either the wait ends with no trace, or the operation completes; never an item lost or counted
 * twice. And the deterministic cases where the match came first: the operation succeeds, the
 * interrupt status stays set, a cancelled fiber still returns its item.
 */
class GivingUpRacesTest extends ChannelTestSupport {

    @ParameterizedTest
    @CsvSource({"WORK_STEALING, 0", "FIFO, 0", "WORK_STEALING, 1", "FIFO, 2"})
    void timedOutAndInterruptedWaitersRacingHandOffsLoseNothing(Sched kind, int capacity) throws Exception {
        FiberScheduler s = scheduler(kind, 2);
        Channel<Integer> ch = Channels.buffered(capacity);
        int producers = 4;
        int perProducer = 5_000;
        AtomicIntegerArray received = new AtomicIntegerArray(producers * perProducer);
        AtomicIntegerArray sent = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger producing = new AtomicInteger(producers);
        List<Fiber<Object>> consumers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            boolean timed = c % 2 == 0;
            consumers.add(start(s, () -> {
                for (;;) {
                    try {
                        Integer x = timed ? ch.receive(Duration.ofNanos(20_000)) : ch.receive();
                        if (x != null) {
                            received.incrementAndGet(x);
                        }
                    } catch (InterruptedException e) {
                        // gave up with no item taken: try again
                    } catch (ChannelClosedException closed) {
                        return null;
                    }
                }
            }));
        }
        List<Fiber<Object>> producerFibers = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            boolean timed = p % 2 == 0;
            producerFibers.add(start(s, () -> {
                for (int i = 0; i < perProducer; i++) {
                    Integer item = box(base + i);
                    try {
                        if (timed ? ch.send(item, Duration.ofNanos(20_000)) : sendOrGiveUp(ch, item)) {
                            sent.incrementAndGet(item);
                        }
                    } catch (InterruptedException e) {
                        // not sent
                    }
                }
                if (producing.decrementAndGet() == 0) {
                    ch.close();
                }
                return null;
            }));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Fiber<Object> interrupter = start(s, () -> {
            for (int i = 0; !stop.get(); i++) {
                consumers.get(i % consumers.size()).interrupt();
                producerFibers.get(i % producerFibers.size()).interrupt();
                Fiber.yield();
            }
            return null;
        });
        results(producerFibers);
        stop.set(true);
        results(consumers);
        results(List.of(interrupter));
        int delivered = 0;
        for (int i = 0; i < sent.length(); i++) {
            assertEquals(sent.get(i), received.get(i), "item " + i + ": sent " + sent.get(i) + " times, received "
                    + received.get(i));
            delivered += received.get(i);
        }
        assertTrue(delivered > 0, "some items got through");
        assertEquals(0, waitingSenders(ch) + waitingReceivers(ch), ch.toString());
    }

    /** A plain send whose interrupt means "not sent"; interrupt status left clear either way. */
    private static boolean sendOrGiveUp(Channel<Integer> ch, Integer item) throws InterruptedException {
        ch.send(item);
        Fiber.interrupted(); // an interrupt that came after the hand-over: the send succeeded
        return true;
    }

    @Test
    void anInterruptAfterTheHandOverLetsTheReceiveSucceedWithTheStatusSet() throws Exception {
        FiberScheduler s = scheduler(Sched.FIFO, 1); // one carrier: the receiver cannot run between the two steps
        Channel<Integer> ch = Channels.rendezvous();
        AtomicReference<Object> got = new AtomicReference<>();
        Fiber<Boolean> receiver = start(s, () -> {
            got.set(ch.receive());
            return Fiber.interrupted();
        });
        awaitReceivers(ch, 1);
        results(List.of(start(s, () -> {
            ch.send(box(42)); // hands over and makes the receiver runnable, which cannot run yet
            receiver.interrupt();
            return null;
        })));
        assertTrue(results(List.of(receiver)).getFirst(), "the interrupt status stays set");
        assertEquals(42, got.get());
    }

    @Test
    void aCancelAfterTheHandOverStillReturnsTheItemAndTheNextSuspensionThrows() throws Exception {
        FiberScheduler s = scheduler(Sched.FIFO, 1);
        Channel<Integer> ch = Channels.rendezvous();
        Channel<Integer> viaSelect = Channels.rendezvous();
        AtomicReference<Object> got = new AtomicReference<>();
        AtomicReference<Object> gotBySelect = new AtomicReference<>();
        AtomicReference<Throwable> next = new AtomicReference<>();
        Fiber<Object> receiver = start(s, () -> {
            got.set(ch.receive());
            try {
                Fiber.sleep(Duration.ofDays(1));
            } catch (FiberCancelledException e) {
                next.set(e);
            }
            return null;
        });
        Fiber<Object> selector = start(s, () -> {
            gotBySelect.set(Select.select(viaSelect.onReceive(x -> x), ch.onReceive(x -> -1)));
            return null;
        });
        awaitReceivers(ch, 2);
        awaitReceivers(viaSelect, 1);
        results(List.of(start(s, () -> {
            ch.send(box(7)); // to the plain receiver, queued first
            viaSelect.send(box(8));
            receiver.cancel();
            selector.cancel();
            return null;
        })));
        Await.joined(receiver);
        Await.joined(selector);
        assertEquals(7, got.get(), "the item handed over is not lost");
        assertEquals(8, gotBySelect.get(), "the select's item is not lost");
        assertInstanceOf(FiberCancelledException.class, next.get(), "the cancel flag is sticky");
        assertEquals(0, waitingReceivers(ch), "the select's other clause left no waiter: " + ch);
        assertEquals(ChannelResult.Status.FULL, ch.trySend(box(1)).status());
    }
}
