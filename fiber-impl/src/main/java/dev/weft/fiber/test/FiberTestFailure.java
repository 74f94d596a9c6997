package dev.weft.fiber.test;

import dev.weft.fiber.DeterministicScheduler;

import java.util.List;
import java.util.Objects;

/**
 * A test that failed under one seed of the deterministic scheduler: the seed, the strategy, how
 * many seeds ran, the failed run's trace, and the failure itself as the cause. The message names
 * the seed, says how to rerun exactly that seed, and ends with the last steps of the trace.
 */
public class FiberTestFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** How many steps of the trace the message shows, from the end. */
    private static final int STEPS_SHOWN = 12;

    /** The seed that failed. */
    private final long seed;
    /** The strategy of the failed run. */
    private final DeterministicScheduler.Strategy strategy;
    /** How many seeds ran, the failing one included. */
    private final int runs;
    private final transient DeterministicScheduler.Trace trace;

    /**
     * Creates the failure; the message is built from the arguments.
     *
     * @param what what failed (a test's name), for the message
     * @param rerun how to rerun this seed, one line, for the message
     * @param runs how many seeds ran, the failing one included
     * @param trace the failed run's trace (its seed and strategy are this failure's)
     * @param cause the failure
     * @throws NullPointerException if an argument is null
     */
    public FiberTestFailure(String what, String rerun, int runs, DeterministicScheduler.Trace trace, Throwable cause) {
        super(message(what, rerun, runs, trace, cause), cause);
        this.seed = trace.seed();
        this.strategy = trace.strategy();
        this.runs = runs;
        this.trace = trace;
    }

    private static String message(String what, String rerun, int runs, DeterministicScheduler.Trace trace, Throwable cause) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(rerun, "rerun");
        Objects.requireNonNull(cause, "cause");
        List<DeterministicScheduler.Step> steps = trace.steps();
        StringBuilder b = new StringBuilder()
                .append(what).append(" failed under seed ").append(trace.seed()).append(" (").append(trace.strategy())
                .append(", found after ").append(runs).append(runs == 1 ? " run" : " runs").append("): ").append(firstLine(cause))
                .append("\nRerun exactly this seed: ").append(rerun)
                .append("\nLast ").append(Math.min(STEPS_SHOWN, steps.size())).append(" of ").append(steps.size())
                .append(" scheduling steps:");
        for (DeterministicScheduler.Step s : steps.subList(Math.max(0, steps.size() - STEPS_SHOWN), steps.size())) {
            b.append('\n').append(s);
        }
        return b.toString();
    }

    /** The first line of the cause's {@code toString()}: a deadlock's dump stays in the cause. */
    private static String firstLine(Throwable cause) {
        String s = cause.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " (see the cause)";
    }

    /**
     * The seed that failed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The strategy of the failed run.
     *
     * @return the strategy
     */
    public DeterministicScheduler.Strategy strategy() {
        return strategy;
    }

    /**
     * How many seeds ran before the failure, the failing one included.
     *
     * @return at least 1
     */
    public int runs() {
        return runs;
    }

    /**
     * The failed run's trace, for {@link dev.weft.fiber.Schedulers#replay}; null after
     * deserialization.
     *
     * @return the trace
     */
    public DeterministicScheduler.Trace trace() {
        return trace;
    }
}
