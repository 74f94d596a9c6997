package dev.weft.fiber.test;

import dev.weft.fiber.DeterministicScheduler;

/**
 * The code of one exploration run: it runs in the root fiber of {@code scheduler}, a fresh one for
 * each seed. Fibers it starts without a scheduler run on {@code scheduler} too.
 */
@FunctionalInterface
public interface SeededBody {
    /**
     * Runs one seed's test.
     *
     * @param scheduler the deterministic scheduler of this run (its clock, seed, trace)
     * @throws Exception a failure of the test
     */
    void run(DeterministicScheduler scheduler) throws Exception;
}
