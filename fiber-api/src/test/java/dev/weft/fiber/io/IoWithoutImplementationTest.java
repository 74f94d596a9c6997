package dev.weft.fiber.io;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The I/O classes without {@code fiber-impl} on the class path: their argument checks work, and
 * anything that needs the implementation names the dependency to add.
 */
class IoWithoutImplementationTest {
    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 9);

    @Test
    void operationsNameTheMissingDependency() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FiberSocketChannel.open(ADDRESS));
        assertTrue(e.getMessage().contains("dev.weft:fiber-impl"), e.getMessage());
        e = assertThrows(IllegalStateException.class, FiberServerSocketChannel::open);
        assertTrue(e.getMessage().contains("I/O implementation"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> FiberFiles.readAllBytes(Path.of("x")));
    }

    @Test
    void argumentChecksComeBeforeTheLookup() {
        assertThrows(NullPointerException.class, () -> FiberSocketChannel.open(null));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> FiberSocketChannel.open(ADDRESS, Duration.ofSeconds(-1)));
        assertTrue(negative.getMessage().contains("connectTimeout"), negative.getMessage());
        assertThrows(NullPointerException.class, () -> FiberSocketChannel.open(ADDRESS, null));
        assertThrows(NullPointerException.class, () -> FiberFiles.readAllBytes(null));
        assertThrows(NullPointerException.class, () -> FiberFiles.write(Path.of("x"), null));
        assertThrows(NullPointerException.class, () -> FiberFiles.call(null));
    }
}
