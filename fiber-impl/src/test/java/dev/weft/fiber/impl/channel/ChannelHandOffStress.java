package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Select;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress 0.16 tests of the hand-off between a sender and a receiver that may be parked (the
 * receiver often arrives first and parks; jcstress runs both orders and every interleaving it
 * can). The item is a {@link Box} whose field is written with a plain store just before the send:
 * the receiver must see it, which holds only if the matcher's release store of the waiter's state
 * (or the lock's release) pairs with the waiter's acquire read. The arbiter checks that the
 * channel is left empty with no waiter. Run by {@link dev.weft.fiber.impl.channel.handoff.HandOffJcstressTest}.
 *
 * <p>Results: {@code r1} the field the receiver read, {@code r2} 1 once the sender returned,
 * {@code r3} what is left in the channel (buffered items plus waiting nodes).
 */
public final class ChannelHandOffStress {
    private ChannelHandOffStress() {
    }

    /** An item with a plain field, published only by the channel. */
    static final class Box {
        int x;
    }

    abstract static class Pair {
        final WeftChannel<Box> ch;

        Pair(int capacity) {
            ch = new WeftChannel<>(capacity, BufferOverflow.SUSPEND);
        }

        void send(III_Result r) {
            Box b = new Box();
            b.x = 42;
            try {
                ch.send(b);
                r.r2 = 1;
            } catch (InterruptedException e) {
                r.r2 = -1;
            }
        }

        void receive(III_Result r) {
            try {
                r.r1 = ch.receive().x;
            } catch (InterruptedException e) {
                r.r1 = -1;
            }
        }

        void leftOver(III_Result r) {
            r.r3 = ch.bufferedCount() + ch.waitingSenders() + ch.waitingReceivers();
        }
    }

    @JCStressTest
    @Outcome(id = "42, 1, 0", expect = ACCEPTABLE, desc = "handed over, fields visible, nothing left behind")
    @Outcome(expect = FORBIDDEN, desc = "item lost or stale, sender stuck, or a waiter left behind")
    @State
    public static class Rendezvous extends Pair {
        public Rendezvous() {
            super(0);
        }

        @Actor
        public void sender(III_Result r) {
            send(r);
        }

        @Actor
        public void receiver(III_Result r) {
            receive(r);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            leftOver(r);
        }
    }

    @JCStressTest
    @Outcome(id = "42, 1, 0", expect = ACCEPTABLE, desc = "through the buffer or straight to the parked receiver")
    @Outcome(expect = FORBIDDEN, desc = "item lost or stale, or something left behind")
    @State
    public static class BufferOfOne extends Pair {
        public BufferOfOne() {
            super(1);
        }

        @Actor
        public void sender(III_Result r) {
            send(r);
        }

        @Actor
        public void receiver(III_Result r) {
            receive(r);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            leftOver(r);
        }
    }

    @JCStressTest
    @Outcome(id = "42, 1, 0", expect = ACCEPTABLE, desc = "the select took the item, fields visible; its node is gone")
    @Outcome(expect = FORBIDDEN, desc = "item lost or stale, or a select node left behind")
    @State
    public static class SelectingReceiver extends Pair {
        public SelectingReceiver() {
            super(0);
        }

        @Actor
        public void sender(III_Result r) {
            send(r);
        }

        @Actor
        public void receiver(III_Result r) {
            try {
                r.r1 = Select.select(ch.onReceive(b -> b.x));
            } catch (InterruptedException e) {
                r.r1 = -1;
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            leftOver(r);
        }
    }
}
