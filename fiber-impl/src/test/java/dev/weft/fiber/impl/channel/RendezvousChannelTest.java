package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;

/** The channel contract for {@link Channels#rendezvous()}; FIFO waiters and cancelled receivers on it are in {@link ChannelProgramsTest}. */
class RendezvousChannelTest extends ChannelContractTest {
    @Override
    <T> Channel<T> newChannel() {
        return Channels.rendezvous();
    }
}
