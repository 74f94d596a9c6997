package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Read, write and accept time-outs end the wait with {@link SocketTimeoutException} and leave
 * the channel open and working (the next operation succeeds); a connect time-out closes the
 * socket it opened. In fibers and on a plain thread, and through the stream adapters.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimeoutsLeaveChannelsUsableTest {

    @Test
    void readTimeoutInAFiberThenTheNextReadGetsTheBytes() throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server()) {
            Fiber<Void> f = IoTests.fiber(s, () -> {
                try (FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
                     FiberSocketChannel peer = server.accept()) {
                    ch.setReadTimeout(Duration.ofMillis(50));
                    for (int round = 0; round < 5; round++) {
                        ByteBuffer buf = ByteBuffer.allocate(16);
                        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> ch.read(buf));
                        assertEquals("Read timed out", e.getMessage());
                        assertEquals(0, buf.position(), "a read that timed out consumed nothing");
                        assertTrue(ch.isOpen());
                        peer.write(ByteBuffer.wrap(new byte[] {(byte) round, 2, 3}));
                        assertEquals(3, IoTests.readFully(ch, 3, 16).length);
                    }
                }
                return null;
            });
            f.get(Duration.ofSeconds(20));
        }
        IoTests.awaitFdsAtMost(fds);
    }

    @Test
    void readTimeoutOnAPlainThreadThroughTheInputStream() throws Exception {
        try (FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            ch.setReadTimeout(Duration.ofMillis(30));
            InputStream in = ch.inputStream();
            byte[] b = new byte[8];
            assertThrows(SocketTimeoutException.class, () -> in.read(b));
            peer.outputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
            assertEquals(2, in.read(b));
            assertEquals("ok", new String(b, 0, 2, StandardCharsets.US_ASCII));
            peer.shutdownOutput();
            assertEquals(-1, in.read());
        }
    }

    @Test
    void acceptTimeoutThenTheNextAcceptTakesAConnection() throws Exception {
        try (FiberScheduler s = Schedulers.fifo(2);
             FiberServerSocketChannel server = IoTests.server()) {
            server.setAcceptTimeout(Duration.ofMillis(40));
            Fiber<Void> f = IoTests.fiber(s, () -> {
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, server::accept);
                assertEquals("Accept timed out", e.getMessage());
                assertThrows(SocketTimeoutException.class, () -> server.accept(Duration.ofMillis(10)));
                assertTrue(server.isOpen());
                try (FiberSocketChannel c = FiberSocketChannel.open(server.localAddress());
                     FiberSocketChannel a = server.accept(Duration.ofSeconds(10))) {
                    assertEquals(c.localAddress(), a.remoteAddress());
                }
                return null;
            });
            f.get(Duration.ofSeconds(20));
        }
    }

    @Test
    void writeTimeoutWhenThePeerDoesNotReadLeavesThePositionAfterWhatWasSent() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server()) {
            Fiber<Void> f = IoTests.fiber(s, () -> {
                try (FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
                     FiberSocketChannel peer = server.accept()) {
                    ch.setWriteTimeout(Duration.ofMillis(100));
                    ByteBuffer big = ByteBuffer.allocate(64 << 20); // far more than both socket buffers hold
                    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> ch.write(big));
                    assertEquals("Write timed out", e.getMessage());
                    int sent = big.position();
                    assertTrue(sent > 0 && sent < big.capacity(), "some bytes sent before the time-out: " + sent);
                    assertTrue(ch.isOpen());
                    // the peer drains what was sent; the channel still writes
                    byte[] got = IoTests.readFully(peer, sent, 1 << 16);
                    assertEquals(sent, got.length);
                    ch.write(ByteBuffer.wrap(new byte[] {42}));
                    assertEquals(42, IoTests.readFully(peer, 1, 1)[0]);
                }
                return null;
            });
            f.get(Duration.ofSeconds(25));
        }
    }

    /**
     * A server that never accepts, with a backlog of 1: Linux queues backlog + 1 connections and
     * then drops further SYNs, so a connect waits until its time-out. Loopback only.
     */
    @Test
    void connectTimeoutAgainstAFullBacklogClosesTheSocketItOpened() throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = FiberServerSocketChannel.open().bind(IoTests.anyPort(), 1)) {
            Fiber<Integer> f = IoTests.fiber(s, () -> {
                List<FiberSocketChannel> queued = new ArrayList<>();
                try {
                    for (int i = 0; i < 64; i++) {
                        try {
                            queued.add(FiberSocketChannel.open(server.localAddress(), Duration.ofMillis(200)));
                        } catch (SocketTimeoutException e) {
                            assertEquals("Connect timed out", e.getMessage());
                            int before = IoTests.openFds();
                            // a tiny time-out takes the same path
                            assertThrows(SocketTimeoutException.class,
                                    () -> FiberSocketChannel.open(server.localAddress(), Duration.ofNanos(1)));
                            assertEquals(before, IoTests.openFds(), "the timed-out attempt's socket is closed");
                            return queued.size();
                        }
                    }
                    return -1;
                } finally {
                    for (FiberSocketChannel c : queued) {
                        c.close();
                    }
                }
            });
            int queuedBeforeTimeout = f.get(Duration.ofSeconds(25));
            assertTrue(queuedBeforeTimeout >= 1, "a full backlog made a connect time out after " + queuedBeforeTimeout + " queued");
        }
        IoTests.awaitFdsAtMost(fds);
        IoTests.awaitNoPoller();
    }

    @Test
    void badTimeoutsAreRefusedWithTheirName() throws Exception {
        try (FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.setReadTimeout(Duration.ofMillis(-1)));
            assertTrue(e.getMessage().contains("readTimeout"), e.getMessage());
            assertThrows(NullPointerException.class, () -> ch.setWriteTimeout(null));
            assertThrows(IllegalArgumentException.class, () -> server.accept(Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> FiberSocketChannel.open(server.localAddress(), Duration.ofSeconds(-1)));
            assertEquals(Duration.ZERO, ch.getReadTimeout());
            ch.setReadTimeout(Duration.ofDays(365 * 1000)); // saturates, no overflow
            assertEquals(Duration.ofDays(365 * 1000), ch.getReadTimeout());
            peer.write(ByteBuffer.wrap(new byte[] {1}));
            assertEquals(1, ch.read(ByteBuffer.allocate(4)));
            assertFalse(ch.getReadTimeout().isZero());
        }
    }
}
