package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.Channels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The channel contract for {@link Channels#unbounded()}, and that its buffer grows without a sender waiting. */
class UnboundedChannelTest extends ChannelContractTest {
    @Override
    <T> Channel<T> newChannel() {
        return Channels.unbounded();
    }

    @Test
    void sendsNeverWaitAndTheGrowingBufferKeepsTheOrder() throws InterruptedException {
        Channel<Integer> ch = newChannel();
        int n = 100_000;
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                assertEquals(ChannelResult.Status.SENT, ch.trySend(box(i)).status());
            } else {
                ch.send(box(i)); // from a thread: would hang if it waited
            }
            if (i % 1000 == 999) { // moves the ring's head, so that growing has to unwrap it
                assertEquals(next++, ch.receive());
            }
        }
        assertEquals(n - next, impl(ch).bufferedCount());
        while (next < n) {
            assertEquals(next++, ch.tryReceive().item());
        }
        assertEquals(ChannelResult.Status.EMPTY, ch.tryReceive().status());
    }
}
