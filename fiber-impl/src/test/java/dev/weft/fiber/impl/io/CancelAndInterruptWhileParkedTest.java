package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a wait in a read (or accept) ends when the waiter is cancelled or interrupted, or the
 * channel is closed by someone else: cancel leaves the channel open and loses no byte; interrupt
 * closes it with {@link ClosedByInterruptException} and keeps the interrupt status; a close wakes
 * the waiter with {@link AsynchronousCloseException}.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class CancelAndInterruptWhileParkedTest {

    @Test
    void cancelledReaderGetsFiberCancelledExceptionAndTheChannelStaysUsable() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Fiber<Integer> reader = IoTests.fiber(s, () -> {
                try {
                    return ch.read(ByteBuffer.allocate(8));
                } catch (Throwable t) {
                    seen.set(t);
                    throw t;
                }
            });
            Await.state(reader, Fiber.State.PARKED);
            assertTrue(reader.cancel());
            assertThrows(CancellationException.class, () -> reader.get(Duration.ofSeconds(10)));
            assertInstanceOf(FiberCancelledException.class, seen.get());
            assertTrue(ch.isOpen(), "a cancelled read leaves the channel open");
            peer.write(ByteBuffer.wrap(new byte[] {7, 8}));
            Fiber<byte[]> next = IoTests.fiber(s, () -> IoTests.readFully(ch, 2, 8));
            byte[] got = next.get(Duration.ofSeconds(10));
            assertEquals(7, got[0]);
            assertEquals(8, got[1]);
        }
    }

    /**
     * A stream of numbered bytes, read by a fiber that is cancelled at a random moment, then by
     * the next one, 300 times: every byte arrives exactly once, in order, so a cancel never
     * loses or duplicates data and never leaves the channel registered for a gone waiter.
     */
    @Test
    void cancellingReadersAtRandomLosesNoByte() throws Exception {
        int total = 300 * 64;
        try (FiberScheduler s = Schedulers.workStealing(4);
             FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            Fiber<Void> writer = IoTests.fiber(s, () -> {
                for (int i = 0; i < total; i += 64) {
                    byte[] b = new byte[64];
                    for (int j = 0; j < 64; j++) {
                        b[j] = (byte) (i + j);
                    }
                    peer.write(ByteBuffer.wrap(b));
                    if ((i & 1023) == 0) {
                        Fiber.sleep(Duration.ofMillis(1));
                    }
                }
                return null;
            });
            AtomicLong received = new AtomicLong();
            while (received.get() < total) {
                Fiber<Void> reader = IoTests.fiber(s, () -> {
                    ByteBuffer buf = ByteBuffer.allocate(ThreadLocalRandom.current().nextInt(1, 200));
                    while (received.get() < total) {
                        buf.clear();
                        int n = ch.read(buf);
                        for (int j = 0; j < n; j++) {
                            long at = received.get();
                            assertEquals((byte) at, buf.get(j), "byte " + at);
                            received.set(at + 1);
                        }
                    }
                    return null;
                });
                Thread.sleep(0, ThreadLocalRandom.current().nextInt(1, 300_000));
                reader.cancel();
                try {
                    reader.get(Duration.ofSeconds(10));
                } catch (CancellationException expected) {
                    // cancelled in a read (or between reads): the next reader carries on
                }
            }
            assertEquals(total, received.get());
            assertTrue(ch.isOpen());
            writer.get(Duration.ofSeconds(10));
        }
        IoTests.awaitNoPoller();
    }

    @Test
    void interruptedFiberReaderGetsClosedByInterruptAndKeepsItsStatus() throws Exception {
        try (FiberScheduler s = Schedulers.fifo(2);
             FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            Fiber<Boolean> reader = IoTests.fiber(s, () -> {
                assertThrows(ClosedByInterruptException.class, () -> ch.read(ByteBuffer.allocate(8)));
                return Fiber.current().isInterrupted();
            });
            Await.state(reader, Fiber.State.PARKED);
            reader.interrupt();
            assertTrue(reader.get(Duration.ofSeconds(10)), "the interrupt status stays set");
            assertFalse(ch.isOpen(), "an interrupt closes the channel");
            assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the peer sees the close as end of stream");
            assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void interruptedThreadReaderGetsClosedByInterruptAndKeepsItsStatus() throws Exception {
        try (FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            AtomicReference<Boolean> status = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    ch.read(ByteBuffer.allocate(8));
                } catch (Throwable e) {
                    seen.set(e);
                }
                status.set(Thread.currentThread().isInterrupted());
            });
            Await.until("thread parked in read", () -> t.getState() == Thread.State.WAITING);
            t.interrupt();
            t.join(10_000);
            assertFalse(t.isAlive());
            assertInstanceOf(ClosedByInterruptException.class, seen.get());
            assertTrue(status.get());
            assertFalse(ch.isOpen());
            assertEquals(-1, peer.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void anInterruptStatusSetBeforeTheCallClosesTheChannelAtOnce() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server();
             FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
             FiberSocketChannel peer = server.accept()) {
            peer.write(ByteBuffer.wrap(new byte[] {1})); // even with bytes waiting, as the JDK's channels do
            Fiber<Void> f = IoTests.fiber(s, () -> {
                Fiber.current().interrupt();
                assertThrows(ClosedByInterruptException.class, () -> ch.write(ByteBuffer.allocate(1)));
                assertTrue(Fiber.interrupted());
                return null;
            });
            f.get(Duration.ofSeconds(10));
            assertFalse(ch.isOpen());
        }
    }

    @Test
    void interruptedAcceptorClosesTheServer() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2);
             FiberServerSocketChannel server = IoTests.server()) {
            Fiber<Void> acceptor = IoTests.fiber(s, () -> {
                assertThrows(ClosedByInterruptException.class, server::accept);
                return null;
            });
            Await.state(acceptor, Fiber.State.PARKED);
            acceptor.interrupt();
            acceptor.get(Duration.ofSeconds(10));
            assertFalse(server.isOpen());
        }
        IoTests.awaitNoPoller();
    }

    @Test
    void closeByAnotherStrandWakesReaderWriterAndAcceptor() throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            FiberServerSocketChannel server = IoTests.server();
            FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress());
            FiberSocketChannel peer = server.accept();
            Fiber<Void> reader = IoTests.fiber(s, () -> {
                assertThrows(AsynchronousCloseException.class, () -> ch.read(ByteBuffer.allocate(8)));
                return null;
            });
            Fiber<Void> writer = IoTests.fiber(s, () -> {
                assertThrows(AsynchronousCloseException.class, () -> ch.write(ByteBuffer.allocate(64 << 20)));
                return null;
            });
            Fiber<Void> acceptor = IoTests.fiber(s, () -> {
                assertThrows(AsynchronousCloseException.class, server::accept);
                return null;
            });
            Await.state(reader, Fiber.State.PARKED);
            Await.state(writer, Fiber.State.PARKED);
            Await.state(acceptor, Fiber.State.PARKED);
            ch.close();
            server.close();
            reader.get(Duration.ofSeconds(10));
            writer.get(Duration.ofSeconds(10));
            acceptor.get(Duration.ofSeconds(10));
            peer.close();
        }
        IoTests.awaitFdsAtMost(fds);
        IoTests.awaitNoPoller();
    }
}
