package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A rough probe, not a benchmark (fiber-bench's JMH runs are): prints the round trip of a
 * ping-pong between two fibers over two channels of capacity 0 and 1, for each scheduler with 1
 * and 2 carriers, and a buffered(64) producer/consumer rate. It asserts nothing and runs only when
 * asked, so that it costs the default suite nothing:
 * {@code mvn -B -ntp -q -pl fiber-impl -am test -Dtest=ChannelLatencyProbeTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dweft.jvm.flags="--add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED -Dweft.probe.channels=true"}
 * (add {@code -Dweft.fiber.checkMonitors=false} inside the flags to see the park without the
 * held-monitor check; docs/internals.md has the numbers of one run).
 */
class ChannelLatencyProbeTest extends ChannelTestSupport {

    @Test
    void printRoundTripsAndThroughput() throws Exception {
        assumeTrue(Boolean.getBoolean("weft.probe.channels"), "a probe: run with -Dweft.probe.channels=true");
        Integer item = 1;
        for (Sched kind : Sched.values()) {
            for (int carriers = 1; carriers <= 2; carriers++) {
                for (int capacity = 0; capacity <= 1; capacity++) {
                    FiberScheduler s = scheduler(kind, carriers);
                    Channel<Integer> ping = Channels.buffered(capacity);
                    Channel<Integer> pong = Channels.buffered(capacity);
                    start(s, () -> {
                        for (;;) {
                            pong.send(ping.receive());
                        }
                    });
                    int n = 100_000;
                    double best = Double.MAX_VALUE;
                    for (int round = 0; round < 5; round++) {
                        long t0 = System.nanoTime();
                        results(List.of(start(s, () -> {
                            for (int i = 0; i < n; i++) {
                                ping.send(item);
                                pong.receive();
                            }
                            return null;
                        })));
                        best = Math.min(best, (System.nanoTime() - t0) / (double) n);
                    }
                    System.out.printf("%s(%d), capacity %d: %.0f ns per round trip (best of 5)%n", kind, carriers, capacity, best);
                }
            }
        }
        FiberScheduler s = scheduler(Sched.WORK_STEALING, 2);
        Channel<Integer> ch = Channels.buffered(64);
        int n = 1_000_000;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            Fiber<Object> consumer = start(s, () -> {
                for (int i = 0; i < n; i++) {
                    ch.receive();
                }
                return null;
            });
            Fiber<Object> producer = start(s, () -> {
                for (int i = 0; i < n; i++) {
                    ch.send(item);
                }
                return null;
            });
            results(List.of(producer, consumer));
            System.out.printf("buffered(64) producer/consumer, WORK_STEALING(2): %.0f ns per item%n",
                    (System.nanoTime() - t0) / (double) n);
        }
    }
}
