package dev.weft.fiber.impl.io;

import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Outside fibers the same API simply blocks: a server on a plain thread serving plain-thread
 * clients, and virtual-thread clients (which park as threads until the poller wakes them), with
 * stream code (Data streams) running unchanged over the adapters.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlainAndVirtualThreadCallersBlockTest {

    @Test
    void plainThreadServerWithPlainAndVirtualThreadClients() throws Exception {
        int fds = IoTests.baselineFds();
        int clients = 40;
        try (FiberServerSocketChannel server = IoTests.server()) {
            Thread serverThread = Thread.ofPlatform().start(() -> {
                try (ExecutorService handlers = Executors.newFixedThreadPool(8)) {
                    for (int i = 0; i < 2 * clients; i++) {
                        FiberSocketChannel c = server.accept();
                        handlers.submit(() -> {
                            try (c) {
                                DataInputStream in = new DataInputStream(c.inputStream());
                                DataOutputStream out = new DataOutputStream(c.outputStream());
                                int n = in.readInt();
                                byte[] b = in.readNBytes(n);
                                out.writeInt(n);
                                out.write(b);
                            }
                            return null;
                        });
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (ExecutorService platform = Executors.newFixedThreadPool(4);
                 ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int id = i;
                    results.add(platform.submit(() -> exchange(server, id)));
                    results.add(virtual.submit(() -> exchange(server, 1000 + id)));
                }
                for (Future<Boolean> r : results) {
                    assertEquals(true, r.get(20, TimeUnit.SECONDS));
                }
            }
            serverThread.join(20_000);
            assertEquals(false, serverThread.isAlive());
        }
        IoTests.awaitFdsAtMost(fds);
        IoTests.awaitNoPoller();
    }

    private static boolean exchange(FiberServerSocketChannel server, int id) throws Exception {
        byte[] sent = IoTests.pattern(id, 50_000 + id);
        try (FiberSocketChannel c = FiberSocketChannel.open(server.localAddress())) {
            DataOutputStream out = new DataOutputStream(c.outputStream());
            out.writeInt(sent.length);
            out.write(sent);
            DataInputStream in = new DataInputStream(c.inputStream());
            assertEquals(sent.length, in.readInt());
            IoTests.assertSameBytes(sent, in.readNBytes(sent.length), "client " + id);
            assertEquals(-1, c.read(ByteBuffer.allocate(1)));
        }
        return true;
    }
}
