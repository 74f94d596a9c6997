package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 1,000 clients connected at once to one echo server, each sending its own byte pattern in
 * several messages and checking every byte that comes back, on several carriers: waits on the
 * poller from many fibers at once, wake-ups racing registrations, fibers migrating between
 * carriers while parked in a read. All connections are open together (a latch holds the first
 * message until every client has connected).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThousandConcurrentClientsTest {
    private static final int CLIENTS = 1000;
    private static final int MESSAGES = 4;

    @ParameterizedTest
    @ValueSource(strings = {"workStealing(2)", "fifo(2)", "workStealing(4)"})
    void everyByteOfEveryClientComesBack(String schedulerName) throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = scheduler(schedulerName)) {
            FiberServerSocketChannel server = IoTests.echoServer(s);
            FiberCountDownLatch allConnected = new FiberCountDownLatch(CLIENTS);
            List<Fiber<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                clients.add(IoTests.fiber(s, () -> {
                    int size = 1 + (id * 7919) % 6000; // 1 B to 6 KB a message, different per client
                    int checked = 0;
                    try (FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress(), Duration.ofSeconds(20))) {
                        allConnected.countDown();
                        allConnected.await();
                        for (int m = 0; m < MESSAGES; m++) {
                            byte[] sent = IoTests.pattern(id * MESSAGES + m, size);
                            ch.write(ByteBuffer.wrap(sent));
                            byte[] back = IoTests.readFully(ch, size, 100 + (id % 3) * 1500);
                            IoTests.assertSameBytes(sent, back, "client " + id + " message " + m);
                            checked += size;
                        }
                        ch.shutdownOutput();
                        assertEquals(-1, ch.read(ByteBuffer.allocate(1)), "end of stream after the echo server saw ours");
                    }
                    return checked;
                }));
            }
            long total = 0;
            for (Fiber<Integer> c : clients) {
                total += c.get(Duration.ofSeconds(50));
            }
            assertEquals(expectedTotal(), total);
            server.close();
            IoTests.awaitNoPoller(); // every server-side fiber closed its connection: it saw our end of stream
        }
        IoTests.awaitFdsAtMost(fds);
        IoTests.awaitNoPoller();
    }

    private static long expectedTotal() {
        long t = 0;
        for (int id = 0; id < CLIENTS; id++) {
            t += (long) MESSAGES * (1 + (id * 7919) % 6000);
        }
        return t;
    }

    static FiberScheduler scheduler(String name) {
        return switch (name) {
            case "workStealing(2)" -> Schedulers.workStealing(2);
            case "workStealing(4)" -> Schedulers.workStealing(4);
            case "fifo(2)" -> Schedulers.fifo(2);
            default -> throw new IllegalArgumentException(name);
        };
    }
}
