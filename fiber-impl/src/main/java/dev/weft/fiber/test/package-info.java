/**
 * Testing concurrent fiber code under the deterministic scheduler
 * ({@link dev.weft.fiber.Schedulers#deterministic(long)}): {@link dev.weft.fiber.test.FiberTest},
 * a JUnit Jupiter test run under many seeds, and {@link dev.weft.fiber.test.Explorer}, the same
 * search without JUnit. The JUnit classes need {@code org.junit.jupiter:junit-jupiter-api} on the
 * class path (an optional dependency of {@code fiber-impl}); {@code Explorer} needs nothing more.
 * See {@code docs/testing.md}.
 */
package dev.weft.fiber.test;
