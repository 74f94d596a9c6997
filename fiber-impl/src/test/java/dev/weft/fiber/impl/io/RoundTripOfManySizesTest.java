package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Bytes sent through an echo server come back complete and in order, for sizes from 0 bytes to
 * several MiB, written in one call (which must write all of it) and read back in chunks of many
 * sizes, so every message is split across reads and across waits for readiness.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoundTripOfManySizesTest {
    private static final int[] SIZES = {0, 1, 2, 7, 100, 1460, 4096, 65_535, 65_536, 65_537, 300_001, 1 << 20, 4 * (1 << 20) + 3};
    private static final int[] CHUNKS = {1, 13, 4096, 65_536};

    @Test
    void everySizeComesBackWhole() throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            FiberServerSocketChannel server = IoTests.echoServer(s);
            List<Fiber<Void>> clients = new ArrayList<>();
            int id = 0;
            for (int size : SIZES) {
                for (int chunk : CHUNKS) {
                    if (chunk == 1 && size > 70_000) {
                        continue; // a byte per read of MiB: slow and says nothing more
                    }
                    int me = id++;
                    clients.add(IoTests.fiber(s, () -> {
                        byte[] sent = IoTests.pattern(me, size);
                        try (FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress(), Duration.ofSeconds(10))) {
                            // the writer is its own fiber: a large message fills both socket
                            // buffers, so writing all of it before reading would deadlock
                            Fiber<Integer> writer = IoTests.fiber(s, () -> {
                                int n = ch.write(ByteBuffer.wrap(sent));
                                ch.shutdownOutput();
                                return n;
                            });
                            byte[] back = IoTests.readToEnd(ch, chunk);
                            assertEquals(size, writer.get());
                            IoTests.assertSameBytes(sent, back, "size " + size + " chunk " + chunk);
                        }
                        return null;
                    }));
                }
            }
            for (Fiber<Void> c : clients) {
                c.get(Duration.ofSeconds(50));
            }
            server.close();
            assertFalse(server.isOpen());
        }
        IoTests.awaitFdsAtMost(fds);
        IoTests.awaitNoPoller();
    }
}
