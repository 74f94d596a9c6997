package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import org.junit.jupiter.api.Nested;

/** The channel contract for {@link Channels#buffered(int)} at capacities 1, 2 and 64. */
class BufferedChannelTest {

    @Nested
    class Capacity1 extends ChannelContractTest {
        @Override
        <T> Channel<T> newChannel() {
            return Channels.buffered(1);
        }
    }

    @Nested
    class Capacity2 extends ChannelContractTest {
        @Override
        <T> Channel<T> newChannel() {
            return Channels.buffered(2);
        }
    }

    @Nested
    class Capacity64 extends ChannelContractTest {
        @Override
        <T> Channel<T> newChannel() {
            return Channels.buffered(64);
        }
    }
}
