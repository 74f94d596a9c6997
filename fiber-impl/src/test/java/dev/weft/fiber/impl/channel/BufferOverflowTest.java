package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dropping policies: what a send to a full buffer does, and the contract for each. */
class BufferOverflowTest extends ChannelTestSupport {

    @Nested
    class DropOldestContract extends ChannelContractTest {
        @Override
        <T> Channel<T> newChannel() {
            return Channels.buffered(2, BufferOverflow.DROP_OLDEST);
        }
    }

    @Nested
    class DropNewestContract extends ChannelContractTest {
        @Override
        <T> Channel<T> newChannel() {
            return Channels.buffered(2, BufferOverflow.DROP_NEWEST);
        }
    }

    @Test
    void dropOldestMakesRoomByDroppingTheOldestBufferedItem() throws InterruptedException {
        Channel<Integer> ch = Channels.buffered(2, BufferOverflow.DROP_OLDEST);
        for (int i = 1; i <= 5; i++) {
            ch.send(box(i)); // never waits
        }
        assertEquals(ChannelResult.Status.SENT, ch.trySend(box(6)).status());
        assertEquals(5, ch.receive());
        assertEquals(6, ch.receive());
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
    }

    @Test
    void dropNewestKeepsTheBufferAndSaysDropped() throws InterruptedException {
        Channel<Integer> ch = Channels.buffered(2, BufferOverflow.DROP_NEWEST);
        ch.send(box(1));
        ch.send(box(2));
        ch.send(box(3)); // dropped, does not wait
        assertTrue(ch.send(box(4), Duration.ofDays(1)), "a dropping send never waits, and completes");
        assertEquals(ChannelResult.Status.DROPPED, ch.trySend(box(5)).status());
        assertEquals(1, ch.receive());
        assertEquals(2, ch.receive());
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
        assertTrue(ch.toString().contains("DROP_NEWEST"), ch.toString());
    }

    @Test
    void aWaitingReceiverGetsTheItemWhateverThePolicy() throws Exception {
        FiberScheduler s = scheduler(Sched.WORK_STEALING, 2);
        for (BufferOverflow policy : List.of(BufferOverflow.DROP_OLDEST, BufferOverflow.DROP_NEWEST)) {
            Channel<Integer> ch = Channels.buffered(1, policy);
            Fiber<Integer> receiver = start(s, ch::receive);
            awaitReceivers(ch, 1);
            assertEquals(ChannelResult.Status.SENT, ch.trySend(box(8)).status());
            assertEquals(8, results(List.of(receiver)).getFirst());
        }
    }

    @Test
    void badCapacitiesAndPoliciesAreRefusedWithAMessage() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Channels.buffered(-1)).getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Channels.buffered(0, BufferOverflow.DROP_OLDEST))
                .getMessage().contains("DROP_OLDEST"));
        assertThrows(NullPointerException.class, () -> Channels.buffered(1, null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new WeftChannel<>(-3, BufferOverflow.SUSPEND))
                .getMessage().contains("-3"));
        assertEquals(0, Channels.buffered(0).capacity());
        assertEquals(Integer.MAX_VALUE, Channels.unbounded().capacity());
        assertTrue(Channels.buffered(Integer.MAX_VALUE - 1).trySend(1).isSuccess(), "a huge capacity allocates lazily");
    }
}
