package dev.weft.fiber.impl.channel.handoff;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.Channels;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A sender puts an item into a {@code buffered(1)} channel and closes it, while a receiver,
 * usually parked by the time the item comes, takes two items: it gets the item, then the closed
 * signal. An accepted item is never lost to a racing close, and the close never overtakes it.
 */
@JCStressTest
@Outcome(id = "7, -1", expect = Expect.ACCEPTABLE, desc = "the item, then closed")
@Outcome(expect = Expect.FORBIDDEN, desc = "the item was lost or the close came first")
@State
public class SendThenCloseDeliversTheItem {
    private final Channel<Integer> channel = Channels.buffered(1);

    @Actor
    public void sender() {
        try {
            channel.send(7);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        channel.close();
    }

    @Actor
    public void receiver(II_Result r) {
        r.r1 = take();
        r.r2 = take();
    }

    private int take() {
        try {
            return channel.receive();
        } catch (ChannelClosedException closed) {
            return -1;
        } catch (InterruptedException e) {
            return -2;
        }
    }
}
