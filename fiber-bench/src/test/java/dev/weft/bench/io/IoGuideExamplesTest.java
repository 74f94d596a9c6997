package dev.weft.bench.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The examples of {@code docs/io.md}, compiled and run; {@code DocsShowTheCompiledExamplesTest} (fiber-impl) checks that
 * the document shows exactly this code.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoGuideExamplesTest {

    @Test
    void echoServerAnswersAStreamClient() throws Exception {
        // docs:begin echo-server
        FiberScheduler scheduler = Schedulers.workStealing(2);
        FiberServerSocketChannel server = FiberServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Fiber.builder().scheduler(scheduler).start(() -> {
            while (server.isOpen()) {
                FiberSocketChannel client;
                try {
                    client = server.accept();           // parks this fiber until a client connects
                } catch (IOException closed) {
                    return;
                }
                Fiber.builder().scheduler(scheduler).start(() -> {
                    try (client) {
                        client.setReadTimeout(Duration.ofSeconds(30));
                        ByteBuffer buf = ByteBuffer.allocate(4096);
                        while (client.read(buf) >= 0) { // parks until bytes arrive, at most 30 s
                            buf.flip();
                            client.write(buf);          // writes all of it
                            buf.clear();
                        }
                    } catch (IOException e) {
                        // reset by the peer, timed out, or closed: this connection is done
                    }
                });
            }
        });
        // docs:end echo-server
        try {
            Fiber<String> reply = Fiber.builder().scheduler(scheduler).start(() -> {
                // docs:begin stream-client
                try (FiberSocketChannel channel = FiberSocketChannel.open(server.localAddress())) {
                    channel.setReadTimeout(Duration.ofSeconds(5));
                    OutputStream out = channel.outputStream();
                    InputStream in = channel.inputStream();
                    byte[] message = "hello, fibers".getBytes(UTF_8);
                    out.write(message);
                    return new String(in.readNBytes(message.length), UTF_8); // the echo, through the stream adapter
                }
                // docs:end stream-client
            });
            assertEquals("hello, fibers", reply.get(Duration.ofSeconds(20)));
        } finally {
            server.close();
            scheduler.shutdown();
            scheduler.awaitTermination(Duration.ofSeconds(10));
        }
    }
}
