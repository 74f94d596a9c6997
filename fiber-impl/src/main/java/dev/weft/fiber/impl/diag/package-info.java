/**
 * Diagnostics: fiber dumps, the stuck-fiber detector, the JMX beans and the JFR events. Internal:
 * users reach it through {@code dev.weft.fiber.FiberDump}, {@code StuckFiberDetector}, JMX and JFR.
 *
 * <p>Package rules: this package reads the fiber core ({@code impl.core}) and the schedulers
 * ({@code impl.sched}) through hooks they publish ({@code FiberObserver}, {@code PoolObserver})
 * and a few read-only accessors; neither of them names this package, so there is no cycle.
 */
package dev.weft.fiber.impl.diag;
