package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The channel contract for {@link Channels#conflated()}, and that it keeps only the latest item. */
class ConflatedChannelTest extends ChannelContractTest {
    @Override
    <T> Channel<T> newChannel() {
        return Channels.conflated();
    }

    @Test
    void keepsOnlyTheLatestItemAndSendsNeverWait() throws InterruptedException {
        Channel<Integer> ch = newChannel();
        assertEquals(1, ch.capacity());
        assertEquals(BufferOverflow.DROP_OLDEST, ch.overflow());
        for (int i = 0; i < 1000; i++) {
            ch.send(box(i));
        }
        assertEquals(ChannelResult.Status.SENT, ch.trySend(box(1000)).status());
        assertEquals(1000, ch.receive());
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
        assertEquals(true, ch.toString().contains("conflated"), ch.toString());
    }
}
