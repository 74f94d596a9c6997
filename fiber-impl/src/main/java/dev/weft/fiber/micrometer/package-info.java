/**
 * Micrometer metrics for Weft's schedulers: {@link dev.weft.fiber.micrometer.WeftMetrics}, a
 * {@code MeterBinder}. Needs {@code io.micrometer:micrometer-core} on the class path (an optional
 * dependency of {@code fiber-impl}); no class outside this package names Micrometer, so Weft works
 * without it. See {@code docs/debugging.md}.
 */
package dev.weft.fiber.micrometer;
