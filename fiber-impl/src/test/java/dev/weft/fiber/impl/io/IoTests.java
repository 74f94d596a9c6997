package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers for the I/O tests: loopback addresses, echo servers, descriptor counts, patterns. */
final class IoTests {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private IoTests() {
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress(LOOPBACK, 0);
    }

    static FiberServerSocketChannel server() throws IOException {
        return FiberServerSocketChannel.open().bind(anyPort(), 1024);
    }

    /**
     * Open descriptors of this process, after the JDK's NIO has made its one-time allocations (its
     * dispatcher keeps a socket for closing descriptors from the first channel on: a count taken
     * before any channel was opened would see that one as a leak).
     */
    static int baselineFds() throws IOException {
        java.nio.channels.ServerSocketChannel.open().close();
        java.nio.channels.Selector.open().close();
        return openFds();
    }

    /** Open descriptors of this process. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            fail("/proc/self/fd is not readable: these tests need Linux");
        }
        return fds.length;
    }

    /**
     * Waits (bounded) until the process has no more descriptors open than {@code baseline}; other
     * tests of this JVM may still be closing theirs, so the count is allowed to settle.
     */
    static void awaitFdsAtMost(int baseline) {
        Await.until("open descriptors back to " + baseline + " (now " + openFds() + ": " + describeFds() + ")",
                () -> openFds() <= baseline);
    }

    /** What each open descriptor is (for failure messages). */
    static String describeFds() {
        StringBuilder sb = new StringBuilder();
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds != null) {
            for (File f : fds) {
                try {
                    sb.append(f.getName()).append("->").append(java.nio.file.Files.readSymbolicLink(f.toPath())).append(' ');
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return sb.toString();
    }

    /** Waits (bounded) until no poller runs and no selector key is registered. */
    static void awaitNoPoller() {
        Await.until("no poller running: " + Pollers.describe(), () -> Pollers.running() == 0);
    }

    /** A deterministic pattern for connection {@code id}: every byte checks position and sender. */
    static byte[] pattern(int id, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + id * 17 + (i >>> 8));
        }
        return b;
    }

    /** Reads exactly {@code n} bytes, in reads of at most {@code chunk} bytes. */
    static byte[] readFully(FiberSocketChannel ch, int n, int chunk) throws IOException {
        byte[] out = new byte[n];
        ByteBuffer buf = ByteBuffer.allocate(Math.max(1, chunk));
        int got = 0;
        while (got < n) {
            buf.clear().limit(Math.min(buf.capacity(), n - got));
            int r = ch.read(buf);
            if (r < 0) {
                fail("end of stream after " + got + " of " + n + " bytes");
            }
            buf.flip();
            buf.get(out, got, r);
            got += r;
        }
        return out;
    }

    /** Reads until end of stream. */
    static byte[] readToEnd(FiberSocketChannel ch, int chunk) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        byte[] out = new byte[0];
        int got = 0;
        while (true) {
            buf.clear();
            int r = ch.read(buf);
            if (r < 0) {
                return Arrays.copyOf(out, got);
            }
            if (got + r > out.length) {
                out = Arrays.copyOf(out, Math.max(2 * out.length, got + r));
            }
            buf.flip();
            buf.get(out, got, r);
            got += r;
        }
    }

    /** Echoes everything it reads until end of stream, then closes. */
    static void echo(FiberSocketChannel ch) throws IOException {
        try (ch) {
            ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
            while (ch.read(buf) >= 0) {
                buf.flip();
                ch.write(buf);
                buf.clear();
            }
        }
    }

    /**
     * Starts an echo server on {@code scheduler}: an acceptor fiber and a fiber per connection.
     * Closing the returned channel ends the acceptor.
     */
    static FiberServerSocketChannel echoServer(FiberScheduler scheduler) throws IOException {
        FiberServerSocketChannel server = server();
        Fiber.builder().name("echo-acceptor").scheduler(scheduler).start(() -> {
            while (true) {
                FiberSocketChannel c;
                try {
                    c = server.accept();
                } catch (IOException closed) {
                    return null;
                }
                Fiber.builder().scheduler(scheduler).start(() -> {
                    echo(c);
                    return null;
                });
            }
        });
        return server;
    }

    /** Starts {@code task} in a fiber on {@code scheduler}. */
    static <V> Fiber<V> fiber(FiberScheduler scheduler, Callable<V> task) {
        return Fiber.builder().scheduler(scheduler).start(task);
    }

    static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            int i = Arrays.mismatch(expected, actual);
            fail(what + ": " + expected.length + " bytes sent, " + actual.length + " received, first difference at " + i);
        }
        assertArrayEquals(expected, actual);
    }
}
