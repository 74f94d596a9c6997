package dev.weft.fiber.test;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Schedulers;

import java.util.Objects;

/**
 * Runs a test body under many seeds of the deterministic scheduler and stops at the first that
 * fails: what {@link FiberTest} does, without JUnit.
 *
 * <pre>{@code
 * Explorer.Result r = Explorer.explore(Strategy.PCT, 0, 1000, s -> racyCounterTest());
 * if (r.failure() != null) {
 *     Schedulers.replay(r.failure().trace()).run(() -> racyCounterTest());   // the same run again
 * }
 * }</pre>
 */
public final class Explorer {
    private Explorer() {
    }

    /**
     * What an exploration found.
     *
     * @param strategy the strategy it used
     * @param firstSeed the first seed it ran
     * @param runs how many seeds ran (up to and including the failing one)
     * @param failure the first failure, or null if every seed passed
     */
    public record Result(DeterministicScheduler.Strategy strategy, long firstSeed, int runs, FiberTestFailure failure) {
        /** @return the strategy, the seeds run, and the failing seed if any */
        @Override
        public String toString() {
            return "Explorer.Result[" + strategy + ", seeds " + firstSeed + ".." + (firstSeed + runs - 1)
                    + (failure == null ? ", all passed]" : ", failed at seed " + failure.seed() + "]");
        }
    }

    /**
     * Runs {@code body} under the seeds {@code firstSeed}, {@code firstSeed + 1}, ... (at most
     * {@code seeds} of them), each on a fresh scheduler, and stops at the first failure.
     *
     * @param strategy how each scheduler picks
     * @param firstSeed the first seed
     * @param seeds how many seeds to try, at least 1
     * @param body the test
     * @return the seeds run and the first failure, if any
     * @throws IllegalArgumentException if {@code seeds < 1}
     * @throws NullPointerException if {@code strategy} or {@code body} is null
     */
    public static Result explore(DeterministicScheduler.Strategy strategy, long firstSeed, int seeds, SeededBody body) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(body, "body");
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be at least 1: " + seeds);
        }
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            DeterministicScheduler s = Schedulers.deterministic(seed, strategy);
            Throwable failure = runOnce(s, body);
            if (failure != null) {
                String rerun = "Schedulers.deterministic(" + seed + "L, Strategy." + strategy + ").run(...)";
                return new Result(strategy, firstSeed, i + 1,
                        new FiberTestFailure("the body", rerun, i + 1, s.trace(), failure));
            }
        }
        return new Result(strategy, firstSeed, seeds, null);
    }

    /**
     * Runs {@code body} once on {@code scheduler}.
     *
     * @return what the run threw, or null
     */
    static Throwable runOnce(DeterministicScheduler scheduler, SeededBody body) {
        try {
            scheduler.run(() -> body.run(scheduler));
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
