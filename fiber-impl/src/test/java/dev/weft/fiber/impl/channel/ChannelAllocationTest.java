package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot paths allocate nothing per message: a buffered send and receive from a thread (measured
 * exactly with the thread's own allocation counter), and a rendezvous hand-off between two parked
 * fibers (measured over every thread of the JVM against a bare park/unpark baseline; the JMH
 * {@code -prof gc} run in fiber-bench is the precise measurement).
 */
class ChannelAllocationTest extends ChannelTestSupport {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void bufferedSendAndReceiveFromAThreadAllocateNothing() throws InterruptedException {
        Channel<Integer> ch = Channels.buffered(64);
        Integer item = 12345;
        int n = 100_000;
        for (int round = 0; round < 5; round++) { // warm-up: let the JIT compile (and the buffer grow)
            pairs(ch, item, n);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        pairs(ch, item, n);
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("buffered(64) send+receive from a thread: %.3f bytes per pair%n", (double) bytes / n);
        assertTrue(bytes / (double) n < 8, bytes + " bytes for " + n + " pairs");
    }

    private static void pairs(Channel<Integer> ch, Integer item, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            ch.send(item);
            ch.send(item);
            ch.receive();
            ch.receive();
        }
    }

    /**
     * A rendezvous ping-pong between two fibers that park for every message, against the same
     * ping-pong done with bare {@code Fiber.park}/{@code unpark}: the channel must add nothing to
     * what the park itself costs. (The park allocates, about 1.4 KB per round trip of four parks
     * on JDK 25 at the time of writing: that is the core's, not the channel's, and is reported.)
     */
    @Test
    void rendezvousHandOffBetweenParkedFibersAllocatesNothingBeyondThePark() throws Exception {
        FiberScheduler s = scheduler(Sched.FIFO, 1);
        Channel<Integer> ping = Channels.rendezvous();
        Channel<Integer> pong = Channels.rendezvous();
        Integer item = 7;
        int n = 50_000;
        start(s, () -> {
            for (;;) {
                pong.send(ping.receive());
            }
        });
        double channel = Double.MAX_VALUE;
        double park = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // the minimum of a few rounds: warm, and the least noise
            channel = Math.min(channel, bytesPerRoundTrip(n, () -> channelPingPong(s, ping, pong, item, n)));
            park = Math.min(park, bytesPerRoundTrip(n, () -> parkPingPong(s, n)));
        }
        System.out.printf("round trip of two fibers (whole JVM): rendezvous channel %.1f bytes, bare park/unpark %.1f bytes%n",
                channel, park);
        assertTrue(channel - park < 32, "the channel adds " + (channel - park) + " bytes per round trip to the park's "
                + park);
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double bytesPerRoundTrip(int n, Run run) throws Exception {
        long before = THREADS.getTotalThreadAllocatedBytes();
        run.run();
        return (double) (THREADS.getTotalThreadAllocatedBytes() - before) / n;
    }

    private static void channelPingPong(FiberScheduler s, Channel<Integer> ping, Channel<Integer> pong, Integer item, int n)
            throws Exception {
        results(List.of(start(s, () -> {
            for (int i = 0; i < n; i++) {
                ping.send(item);
                pong.receive();
            }
            return null;
        })));
    }

    /** The same exchange with a turn counter: each side parks until it is its turn, then unparks the other. */
    private static void parkPingPong(FiberScheduler s, int n) throws Exception {
        AtomicInteger turn = new AtomicInteger();
        AtomicReference<Fiber<?>> a = new AtomicReference<>();
        AtomicReference<Fiber<?>> b = new AtomicReference<>();
        Fiber<Object> echo = start(s, () -> {
            b.set(Fiber.current());
            for (int i = 0; i < n; i++) {
                while (turn.get() != 2 * i + 1) {
                    Fiber.park();
                }
                turn.set(2 * i + 2);
                awaitSet(a).unpark();
            }
            return null;
        });
        Fiber<Object> driver = start(s, () -> {
            a.set(Fiber.current());
            for (int i = 0; i < n; i++) {
                turn.set(2 * i + 1);
                awaitSet(b).unpark();
                while (turn.get() != 2 * i + 2) {
                    Fiber.park();
                }
            }
            return null;
        });
        results(List.of(driver, echo));
    }

    private static Fiber<?> awaitSet(AtomicReference<Fiber<?>> ref) {
        Fiber<?> f;
        while ((f = ref.get()) == null) {
            Fiber.yield();
        }
        return f;
    }
}
