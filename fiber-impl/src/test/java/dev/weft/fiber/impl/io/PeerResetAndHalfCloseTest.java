package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer's reset (close with {@code SO_LINGER} 0) ends a parked read with an {@link IOException},
 * not end of stream; a peer's half-close is end of stream, and the other direction goes on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerResetAndHalfCloseTest {

    @Test
    void resetByAJavaNetPeerIsAnIOExceptionInTheParkedReader() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server()) {
            Socket peer = new Socket(IoTests.LOOPBACK, server.localAddress().getPort());
            FiberSocketChannel ch = server.accept();
            Fiber<Throwable> reader = IoTests.fiber(s, () -> {
                try (ch) {
                    ByteBuffer buf = ByteBuffer.allocate(8);
                    int n = ch.read(buf);
                    return new AssertionError("read returned " + n + " instead of failing");
                } catch (IOException e) {
                    return e;
                }
            });
            Await.state(reader, Fiber.State.PARKED);
            peer.setSoLinger(true, 0);
            peer.close();
            Throwable t = reader.get(Duration.ofSeconds(10));
            assertInstanceOf(IOException.class, t, String.valueOf(t));
            assertFalse(t instanceof ClosedChannelException, "a reset is not a close of our side: " + t);
        }
    }

    @Test
    void resetByAFiberPeerWithSoLingerZero() throws Exception {
        try (FiberScheduler s = Schedulers.fifo(2);
             FiberServerSocketChannel server = IoTests.server()) {
            FiberSocketChannel client = FiberSocketChannel.open(server.localAddress());
            FiberSocketChannel accepted = server.accept();
            Fiber<Throwable> reader = IoTests.fiber(s, () -> {
                try (client) {
                    client.read(ByteBuffer.allocate(8));
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Await.state(reader, Fiber.State.PARKED);
            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
            accepted.close(); // the descriptor is released when close returns, so the RST is on its way
            Throwable t = reader.get(Duration.ofSeconds(10));
            assertInstanceOf(IOException.class, t);
        }
    }

    @Test
    void halfCloseIsEndOfStreamAndTheOtherDirectionStillWorks() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server()) {
            Fiber<String> serverSide = IoTests.fiber(s, () -> {
                try (FiberSocketChannel c = server.accept()) {
                    byte[] all = IoTests.readToEnd(c, 3); // ends at the client's shutdownOutput
                    c.write(ByteBuffer.wrap(("got " + all.length).getBytes(StandardCharsets.US_ASCII)));
                    assertEquals(-1, c.read(ByteBuffer.allocate(1)), "end of stream stays end of stream");
                    return new String(all, StandardCharsets.US_ASCII);
                }
            });
            Fiber<String> clientSide = IoTests.fiber(s, () -> {
                try (FiberSocketChannel c = FiberSocketChannel.open(server.localAddress())) {
                    c.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                    c.shutdownOutput();
                    assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.wrap(new byte[1])));
                    return new String(IoTests.readToEnd(c, 64), StandardCharsets.US_ASCII);
                }
            });
            assertEquals("hello", serverSide.get(Duration.ofSeconds(10)));
            assertEquals("got 5", clientSide.get(Duration.ofSeconds(10)));
        }
    }

    @Test
    void connectionRefusedIsAConnectExceptionAndLeavesNothingOpen() throws Exception {
        int fds = IoTests.baselineFds();
        java.net.InetSocketAddress closedPort;
        try (FiberServerSocketChannel probe = IoTests.server()) {
            closedPort = probe.localAddress();
        }
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            Fiber<Throwable> f = IoTests.fiber(s, () -> {
                try {
                    FiberSocketChannel.open(closedPort, Duration.ofSeconds(5)).close();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            assertInstanceOf(java.net.ConnectException.class, f.get(Duration.ofSeconds(10)));
        }
        IoTests.awaitFdsAtMost(fds);
        assertTrue(Pollers.running() == 0, Pollers.describe());
    }
}
