package dev.weft.fiber.impl.channel.handoff;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.Channels;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A receiver waits on an empty rendezvous channel while another thread closes it: whether the
 * close comes before the receiver parks, while it is parking or after, the receiver ends with the
 * closed signal. A lost wake-up shows as a receiver that never returns (jcstress reports the
 * test as hung, and {@link HandOffJcstressTest} fails).
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "the receiver saw the close")
@Outcome(expect = Expect.FORBIDDEN, desc = "the receiver got an item nobody sent, or another exception")
@State
public class CloseWakesAParkedReceiver {
    private final Channel<Integer> channel = Channels.rendezvous();

    @Actor
    public void closer() {
        channel.close();
    }

    @Actor
    public void receiver(I_Result r) {
        try {
            channel.receive();
            r.r1 = 1;
        } catch (ChannelClosedException closed) {
            r.r1 = 0;
        } catch (Throwable other) {
            r.r1 = 2;
        }
    }
}
