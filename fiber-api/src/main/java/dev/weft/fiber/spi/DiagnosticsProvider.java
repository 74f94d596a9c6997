package dev.weft.fiber.spi;

import dev.weft.fiber.FiberDump;
import dev.weft.fiber.StuckFiberDetector;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What {@link FiberDump} and {@link StuckFiberDetector} need from the implementation, found
 * through {@link java.util.ServiceLoader}. Not for users.
 */
public interface DiagnosticsProvider {

    /**
     * Backs {@link FiberDump#take()}.
     *
     * @return a dump of every live fiber of every Weft scheduler
     */
    FiberDump dump();

    /**
     * Backs {@link StuckFiberDetector#start(Duration, Duration, Consumer)}, whose contract it has.
     *
     * @param threshold how long a fiber must have been parked to be reported
     * @param period    how often to look
     * @param listener  receives each report that lists at least one fiber
     * @return the running detector
     */
    StuckFiberDetector startStuckFiberDetector(Duration threshold, Duration period,
                                               Consumer<StuckFiberDetector.Report> listener);

    /**
     * The implementation on the class path.
     *
     * @return the provider
     * @throws IllegalStateException if there is none
     */
    static DiagnosticsProvider get() {
        return ProviderLoader.DIAGNOSTICS.provider();
    }
}
