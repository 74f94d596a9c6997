package dev.weft.bench.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void everyRoundTripOfEveryConnectionCompletesAgainstEveryServer(ServerKind kind) {
        for (Workload workload : Workload.values()) {
            dev.weft.bench.report.IoLoad.Row row = LoadSuite.runOne(LoadSuite.Contender.of(kind), workload,
                    new LoadSuite.Profile("test", 1000, 5, 100, Duration.ofSeconds(60)), false);
            assertEquals(0, row.errors(), row.json());
            assertEquals(5000, row.requests(), row.json());
            assertTrue(row.p50Micros() > 0 && row.p50Micros() <= row.p99Micros() && row.p99Micros() <= row.p999Micros(), row.json());
        }
    }

    @Test
    void aReplyThatDiffersInOneByteIsAnError() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon(true).start(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] message = in.readNBytes(Workload.ECHO_MESSAGE_BYTES);
                    out.write(message); // first round trip right
                    message = in.readNBytes(Workload.ECHO_MESSAGE_BYTES);
                    message[17] ^= 1;
                    out.write(message); // second one byte off
                    in.read();
                } catch (IOException ignored) {
                    // the generator hung up
                }
            });
            LoadGenerator generator = new LoadGenerator((InetSocketAddress) listener.getLocalSocketAddress(), Workload.ECHO, 1);
            LoadGenerator.Result result = generator.run(generator.open(1), 3, Duration.ofSeconds(20));
            assertEquals(1, result.requests());
            assertEquals(2, result.errors(), "the wrong reply and the round trip never made");
            server.join(10_000);
        }
    }

    @Test
    void onlyLoopbackIsLoaded() {
        assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator(new InetSocketAddress("192.0.2.1", 80), Workload.HTTP, 1));
    }
}
