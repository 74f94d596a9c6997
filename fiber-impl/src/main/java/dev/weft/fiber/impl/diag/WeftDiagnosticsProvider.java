package dev.weft.fiber.impl.diag;

import dev.weft.fiber.FiberDump;
import dev.weft.fiber.StuckFiberDetector;
import dev.weft.fiber.spi.DiagnosticsProvider;

import java.time.Duration;
import java.util.function.Consumer;

/** The implementation of {@code fiber-api}'s diagnostics, found by {@link java.util.ServiceLoader}. */
public final class WeftDiagnosticsProvider implements DiagnosticsProvider {

    /** Installs the diagnostics hooks (see {@link Diagnostics#install()}). */
    public WeftDiagnosticsProvider() {
        Diagnostics.install();
    }

    @Override
    public FiberDump dump() {
        return Diagnostics.dump();
    }

    @Override
    public StuckFiberDetector startStuckFiberDetector(Duration threshold, Duration period,
                                                      Consumer<StuckFiberDetector.Report> listener) {
        return Diagnostics.startDetector(threshold, period, listener);
    }
}
