package dev.weft.fiber.impl.channel.handoff;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A sender hands an item to a receiver over a rendezvous channel; the receiver is often already
 * parked in {@code receive()} when the sender arrives (the hand-off path), sometimes not (the
 * sender waits). Either way the receiver gets that item, and sees the plain writes the sender made
 * to it before sending: the hand-off publishes the item (the release store of the match, paired
 * with the waiter's acquire read). Run by {@link HandOffJcstressTest}.
 */
@JCStressTest
@Outcome(id = "1, 42", expect = Expect.ACCEPTABLE, desc = "the item arrived with the sender's writes")
@Outcome(expect = Expect.FORBIDDEN, desc = "lost, duplicated or unpublished item")
@State
public class RendezvousHandOffPublishesTheItem {
    /** A mutable item with plain fields, written before the send. */
    static final class Box {
        int id;
        int payload;
    }

    private final Channel<Box> channel = Channels.rendezvous();

    @Actor
    public void sender() {
        Box box = new Box();
        box.id = 1;
        box.payload = 42;
        try {
            channel.send(box);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Actor
    public void receiver(II_Result r) {
        try {
            Box box = channel.receive();
            r.r1 = box.id;
            r.r2 = box.payload;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
