package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Connections ended every way there is (normal close from either side, time-out then close,
 * cancelled reader, interrupted reader, reset) release every descriptor and selector key, and
 * the poller retires with the last channel. Counted in {@code /proc/self/fd} and in the pollers'
 * key sets; a close releases its descriptor before it returns, so the counts are exact once
 * every close has returned.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class NoLeakedDescriptorsTest {

    @Test
    void everyWayOfEndingAConnectionReleasesItsDescriptorAndKey() throws Exception {
        int fds = IoTests.baselineFds();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            FiberServerSocketChannel server = IoTests.server();
            int afterServer = IoTests.openFds();
            List<Fiber<Void>> rounds = new ArrayList<>();
            FiberLock pairing = new FiberLock();
            for (int i = 0; i < 300; i++) {
                int way = i % 5;
                rounds.add(IoTests.fiber(s, () -> {
                    FiberSocketChannel c;
                    FiberSocketChannel a;
                    pairing.lock(); // so that the connection this fiber accepts is the one it opened
                    try {
                        c = FiberSocketChannel.open(server.localAddress(), Duration.ofSeconds(10));
                        a = server.accept(Duration.ofSeconds(10));
                    } finally {
                        pairing.unlock();
                    }
                    assertEquals(c.localAddress(), a.remoteAddress());
                    switch (way) {
                        case 0 -> { // client closes first
                            c.close();
                            assertEquals(-1, a.read(ByteBuffer.allocate(1)));
                            a.close();
                        }
                        case 1 -> { // a time-out, then both close
                            c.setReadTimeout(Duration.ofMillis(1));
                            assertThrows(SocketTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
                            a.close();
                            c.close();
                        }
                        case 2 -> { // a cancelled reader
                            Fiber<Integer> r = IoTests.fiber(s, () -> c.read(ByteBuffer.allocate(1)));
                            Await.state(r, Fiber.State.PARKED);
                            r.cancel();
                            Await.state(r, Fiber.State.TERMINATED);
                            c.close();
                            a.close();
                        }
                        case 3 -> { // an interrupted reader closes the channel itself
                            Fiber<Integer> r = IoTests.fiber(s, () -> a.read(ByteBuffer.allocate(1)));
                            Await.state(r, Fiber.State.PARKED);
                            r.interrupt();
                            Await.state(r, Fiber.State.TERMINATED);
                            assertEquals(-1, c.read(ByteBuffer.allocate(1)));
                            c.close();
                        }
                        default -> { // a reset
                            a.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
                            a.close();
                            try {
                                c.read(ByteBuffer.allocate(1));
                            } catch (IOException reset) {
                                // expected most of the time; -1 is possible if the FIN raced ahead
                            }
                            c.close();
                        }
                    }
                    return null;
                }));
                if (rounds.size() == 20) { // 20 at a time, so the counts below see real concurrency but stay small
                    for (Fiber<Void> r : rounds) {
                        r.get(Duration.ofSeconds(20));
                    }
                    rounds.clear();
                    assertEquals(afterServer, IoTests.openFds(), "after every close returned: " + IoTests.describeFds());
                    assertEquals(1, Pollers.registeredKeys(), "only the server's key: " + Pollers.describe());
                }
            }
            for (Fiber<Void> r : rounds) {
                r.get(Duration.ofSeconds(20));
            }
            server.close();
            assertEquals(0, Pollers.running(), "the poller retires with its last channel");
        }
        IoTests.awaitFdsAtMost(fds);
    }
}
