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
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A server shut down while 200 clients are connected and parked in reads on both sides: the
 * acceptor, every handler and every client fiber ends (nothing hangs), each with the outcome
 * its side should see, and no descriptor, key or poller is left.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ServerShutdownWithClientsAttachedTest {
    private static final int CLIENTS = 200;

    @Test
    void everyFiberEndsAndNothingIsLeft() throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = Schedulers.workStealing(4)) {
            FiberServerSocketChannel server = IoTests.server();
            Queue<FiberSocketChannel> accepted = new ConcurrentLinkedQueue<>();
            AtomicInteger handlersParked = new AtomicInteger();
            List<Fiber<Throwable>> handlers = new ArrayList<>();
            Fiber<Throwable> acceptor = IoTests.fiber(s, () -> {
                while (true) {
                    FiberSocketChannel c;
                    try {
                        c = server.accept();
                    } catch (IOException e) {
                        return e;
                    }
                    accepted.add(c);
                    synchronized (handlers) {
                        handlers.add(IoTests.fiber(s, () -> {
                            handlersParked.incrementAndGet();
                            try (c) {
                                int n = c.read(ByteBuffer.allocate(16));
                                return new AssertionError("handler read " + n);
                            } catch (IOException e) {
                                return e;
                            }
                        }));
                    }
                }
            });
            List<Fiber<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(IoTests.fiber(s, () -> {
                    try (FiberSocketChannel c = FiberSocketChannel.open(server.localAddress(), Duration.ofSeconds(20))) {
                        return c.read(ByteBuffer.allocate(16)); // until the server side closes
                    }
                }));
            }
            Await.until("every connection accepted and its handler started", () -> handlersParked.get() == CLIENTS);

            // shutdown: the listening socket first, then every accepted connection
            server.close();
            for (FiberSocketChannel c : accepted) {
                c.close();
            }

            assertInstanceOf(AsynchronousCloseException.class, acceptor.get(Duration.ofSeconds(20)));
            for (Fiber<Integer> c : clients) {
                assertEquals(-1, c.get(Duration.ofSeconds(20)), "a client sees the server's close as end of stream");
            }
            synchronized (handlers) {
                assertEquals(CLIENTS, handlers.size());
                for (Fiber<Throwable> h : handlers) {
                    assertInstanceOf(AsynchronousCloseException.class, h.get(Duration.ofSeconds(20)));
                }
            }
            assertEquals(0, Pollers.registeredKeys(), Pollers.describe());
        }
        IoTests.awaitFdsAtMost(fds);
        IoTests.awaitNoPoller();
    }
}
