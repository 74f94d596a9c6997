package dev.weft.bench.io;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo HTTP servers, every kind, against clients that misbehave: each gets a clean refusal
 * and a closed connection, and a server that saw them all leaks nothing (connections, handlers,
 * descriptors; for Weft, fibers).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileClientsTest {
    private static final Duration IDLE = Duration.ofMillis(1500);
    private static final Duration HEAD = Duration.ofMillis(800);
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(10);

    private static ServerConfig config(int limit) {
        return new ServerConfig(0, 512, limit, IDLE, HEAD, 8192, 64, 2);
    }

    private static final String GOOD = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void malformedRequestGets400AndTheConnectionIsClosed(ServerKind kind) throws Exception {
        try (DemoServer server = kind.start(Workload.HTTP, config(50));
             RawClient client = new RawClient(server.port(), CLIENT_WAIT)) {
            String reply = client.send(GOOD).send("GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n" + GOOD).readToEnd();
            assertEquals(new String(HttpProtocol.OK, java.nio.charset.StandardCharsets.US_ASCII)
                    + "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", reply,
                    "the good request is answered, the bad one refused, and nothing after it");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void oversizedHeadGets431AndTheConnectionIsClosed(ServerKind kind) throws Exception {
        try (DemoServer server = kind.start(Workload.HTTP, config(50));
             RawClient client = new RawClient(server.port(), CLIENT_WAIT)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
            Thread writer = Thread.ofPlatform().start(() -> {
                byte[] chunk = "a".repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                try {
                    OutputStream out = client.socket.getOutputStream();
                    for (int i = 0; i < 64; i++) {
                        out.write(chunk); // 64 KiB, far past the 8 KiB limit, never an empty line
                    }
                } catch (IOException closedByTheServer) {
                    // expected once the server has answered 431 and closed
                }
            });
            String reply = client.readToEnd();
            writer.join();
            assertTrue(reply.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), reply);
            assertTrue(reply.endsWith("\r\n\r\n"), "only the 431 head, then end of stream: " + reply);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void slowlorisIsCutOffAtTheHeadDeadlineThoughEachByteArrivesInTime(ServerKind kind) throws Exception {
        try (DemoServer server = kind.start(Workload.HTTP, config(50));
             RawClient client = new RawClient(server.port(), CLIENT_WAIT)) {
            long start = System.nanoTime();
            Thread trickle = Thread.ofPlatform().start(() -> {
                try {
                    OutputStream out = client.socket.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    // One byte every 100 ms: each read of the server finishes far inside any
                    // sensible per-read time-out, and the head never ends.
                    for (int i = 0; i < 300; i++) {
                        out.write('z');
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException cutOff) {
                    // expected: the server closed the connection
                }
            });
            String reply = client.readToEnd();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            trickle.interrupt();
            trickle.join();
            assertTrue(reply.startsWith("HTTP/1.1 408 Request Timeout\r\n"), reply);
            assertTrue(tookMillis < 25_000, "cut off after " + tookMillis + " ms, not when the trickle ended");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void silentConnectionIsClosedAtTheIdleTimeout(ServerKind kind) throws Exception {
        try (DemoServer server = kind.start(Workload.HTTP, config(50));
             RawClient client = new RawClient(server.port(), CLIENT_WAIT)) {
            client.send(GOOD);
            assertEquals(HttpProtocol.OK.length, client.readExactly(HttpProtocol.OK.length).length());
            assertEquals("", client.readToEnd(), "closed without a word after the idle time-out");
            awaitTrue(() -> server.stats().open() == 0, () -> "the server forgot the connection: " + server.stats());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void connectionsBeyondTheLimitAreRefusedNotQueued(ServerKind kind) throws Exception {
        int limit = 3;
        try (DemoServer server = kind.start(Workload.HTTP, config(limit))) {
            List<RawClient> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < limit; i++) {
                    RawClient c = new RawClient(server.port(), CLIENT_WAIT);
                    admitted.add(c);
                    c.send(GOOD);
                    assertEquals(new String(HttpProtocol.OK, java.nio.charset.StandardCharsets.US_ASCII),
                            c.readExactly(HttpProtocol.OK.length));
                }
                for (int i = 0; i < 5; i++) {
                    try (RawClient refused = new RawClient(server.port(), CLIENT_WAIT)) {
                        assertEquals("", refused.readToEnd(), "a connection beyond the limit is closed at once");
                    }
                }
                assertEquals(5, server.stats().refused());
                assertEquals(limit, server.stats().open());
                admitted.remove(0).close();
                awaitTrue(() -> server.stats().open() == limit - 1, () -> "a place became free: " + server.stats());
                try (RawClient late = new RawClient(server.port(), CLIENT_WAIT)) {
                    late.send(GOOD);
                    assertEquals(HttpProtocol.OK.length, late.readExactly(HttpProtocol.OK.length).length());
                }
            } finally {
                for (RawClient c : admitted) {
                    c.close();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void manyHostileClientsLeaveHeapDescriptorsAndHandlersBounded(ServerKind kind) throws Exception {
        int perRound = 90;
        int rounds = 4;
        long fdsBefore = settledDescriptors();
        DemoServer server = kind.start(Workload.HTTP, config(1000));
        try (ExecutorService clients = Executors.newFixedThreadPool(32)) {
            hostileRound(server.port(), perRound, clients); // warm-up: classes, JIT, buffers
            awaitTrue(() -> server.stats().open() == 0 && server.stats().running() == 0, () -> "round settled: " + server.stats());
            long fdsServing = settledDescriptors();
            long heapBase = ServerHandle.usedHeapAfterGc();
            for (int r = 0; r < rounds; r++) {
                hostileRound(server.port(), perRound, clients);
            }
            awaitTrue(() -> server.stats().open() == 0 && server.stats().running() == 0, () -> "rounds settled: " + server.stats());
            long heapGrowth = ServerHandle.usedHeapAfterGc() - heapBase;
            assertTrue(heapGrowth < 16L << 20, "heap grew by " + heapGrowth + " bytes over " + rounds * perRound + " hostile clients");
            // NIO closes a channel's descriptor only once its selection keys are gone, so a key
            // left registered would also leave its descriptor open.
            awaitTrue(() -> descriptors() <= fdsServing, () -> "descriptors back to " + fdsServing + " while serving: " + descriptors());
            assertEquals(perRound * (rounds + 1), server.stats().accepted(), "every client was admitted and served");
        } finally {
            server.close();
        }
        awaitTrue(() -> descriptors() <= fdsBefore, () -> "descriptors back to " + fdsBefore + " after close: " + descriptors());
        if (server instanceof WeftFiberServer weft) {
            assertTrue(weft.terminated(), "every fiber of the server ended");
        }
        assertEquals(0, server.stats().running());
        assertEquals(0, server.stats().open());
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void closeWithClientsAttachedEndsEveryHandler(ServerKind kind) throws Exception {
        DemoServer server = kind.start(Workload.ECHO, config(1000).withTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(5)));
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                RawClient c = new RawClient(server.port(), CLIENT_WAIT);
                clients.add(c);
                c.send("ping");
                assertEquals("ping", c.readExactly(4));
            }
            awaitTrue(() -> server.stats().running() == Math.min(50, server.maxRunning()), () -> "handlers parked in read: " + server.stats());
            server.close(); // with 50 clients attached, each handler parked in a read with minutes left
            assertEquals(0, server.stats().running(), "every handler ended");
            assertEquals(0, server.stats().open());
            if (server instanceof WeftFiberServer weft) {
                assertTrue(weft.terminated(), "every fiber of the server ended");
            }
            for (RawClient c : clients) {
                assertEquals("", c.readToEnd(), "the client sees end of stream");
            }
        } finally {
            server.close();
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    /** A third malformed, a third oversized, a third trickling a head that never ends. */
    private static void hostileRound(int port, int clients, ExecutorService pool) throws Exception {
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int kind = i % 3;
            replies.add(pool.submit(() -> {
                try (RawClient c = new RawClient(port, CLIENT_WAIT)) {
                    switch (kind) {
                        case 0 -> c.send("GET /\r\n\r\n");
                        case 1 -> {
                            try {
                                c.send("GET / HTTP/1.1\r\nX: " + "b".repeat(20_000));
                            } catch (IOException closedEarly) {
                                // the server may close before the last byte is in
                            }
                        }
                        default -> c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Never-Ends: ");
                    }
                    return c.readToEnd();
                }
            }));
        }
        for (int i = 0; i < clients; i++) {
            String reply = replies.get(i).get(30, TimeUnit.SECONDS);
            String expected = switch (i % 3) {
                case 0 -> "HTTP/1.1 400 ";
                case 1 -> "HTTP/1.1 431 ";
                default -> "HTTP/1.1 408 ";
            };
            assertTrue(reply.startsWith(expected), "client " + i + ": " + reply);
            assertFalse(reply.contains("hello"), reply);
        }
    }

    private static long descriptors() {
        try {
            return RawClient.openFileDescriptors();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The descriptor count once it stopped changing (closes elsewhere in the JVM may lag). */
    private static long settledDescriptors() throws InterruptedException {
        long previous = -1;
        long now = descriptors();
        for (int i = 0; i < 50 && now != previous; i++) {
            Thread.sleep(20);
            previous = now;
            now = descriptors();
        }
        return now;
    }

    static void awaitTrue(BooleanSupplier condition, Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(10);
        }
    }
}
