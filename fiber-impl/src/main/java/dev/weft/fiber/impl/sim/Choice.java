package dev.weft.fiber.impl.sim;

import dev.weft.fiber.DeterministicScheduler.Step;
import dev.weft.fiber.DeterministicScheduler.Strategy;
import dev.weft.fiber.DeterministicScheduler.Trace;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A strategy of the deterministic scheduler: picks the next task among the runnable ones. Called
 * only by the carrier, under the scheduler's lock. Every source of randomness is the
 * {@link SplittableRandom} seeded with the run's seed, and the runnable list is in the order the
 * tasks became runnable, so a pick depends on the seed and the run's own history only.
 */
abstract sealed class Choice {

    static Choice of(long seed, Strategy strategy, Trace replay) {
        if (replay != null) {
            return new Replay(replay);
        }
        return switch (strategy) {
            case UNIFORM -> new Uniform(seed);
            case PCT -> new Pct(seed);
        };
    }

    /** A task was submitted for the first time. */
    void added(SimTask t) {
    }

    /** {@code t} gave up the carrier by a yield and is runnable again. */
    void yielded(SimTask t, List<SimTask> runnable) {
    }

    /**
     * The index in {@code runnable} (not empty) of the task to run at step {@code step}, at
     * virtual time {@code now}; {@code last} ran the step before (null at the first).
     */
    abstract int pick(List<SimTask> runnable, SimTask last, int step, long now);

    /** Uniformly at random. */
    static final class Uniform extends Choice {
        private final SplittableRandom random;

        Uniform(long seed) {
            this.random = new SplittableRandom(seed);
        }

        @Override
        int pick(List<SimTask> runnable, SimTask last, int step, long now) {
            return runnable.size() == 1 ? 0 : random.nextInt(runnable.size());
        }
    }

    /**
     * PCT (see {@link Strategy#PCT}). Initial priorities are random and at least
     * {@code PCT_DEPTH}; the {@code i}-th change point (from 1) sets the priority of the task
     * that ran last to {@code PCT_DEPTH - i}, below every initial one. A yield keeps the
     * yielder's priority (so the highest task runs on through its yields, as PCT means), except
     * after a streak of {@code PCT_HORIZON} picks of the same task: then it drops below every
     * other, so that a fiber spinning on yield for another cannot starve that one for good.
     */
    static final class Pct extends Choice {
        private final SplittableRandom random;
        private final int[] changePoints;
        private SimTask lastPicked;
        private int streak;

        Pct(long seed) {
            this.random = new SplittableRandom(seed);
            this.changePoints = new int[Strategy.PCT_DEPTH - 1];
            for (int i = 0; i < changePoints.length; i++) {
                changePoints[i] = random.nextInt(Strategy.PCT_HORIZON);
            }
        }

        @Override
        void added(SimTask t) {
            t.priority = Strategy.PCT_DEPTH + random.nextLong(Long.MAX_VALUE / 2);
        }

        @Override
        void yielded(SimTask t, List<SimTask> runnable) {
            if (t != lastPicked || streak < Strategy.PCT_HORIZON) {
                return;
            }
            long min = Long.MAX_VALUE;
            for (SimTask o : runnable) {
                if (o != t) {
                    min = Math.min(min, o.priority);
                }
            }
            if (min != Long.MAX_VALUE && t.priority >= min) {
                t.priority = min - 1;
            }
        }

        @Override
        int pick(List<SimTask> runnable, SimTask last, int step, long now) {
            if (last != null) {
                for (int i = 0; i < changePoints.length; i++) {
                    if (changePoints[i] == step) {
                        last.priority = Strategy.PCT_DEPTH - (i + 1);
                    }
                }
            }
            int best = 0;
            for (int i = 1; i < runnable.size(); i++) {
                if (runnable.get(i).priority > runnable.get(best).priority) {
                    best = i; // ties go to the earlier one: deterministic
                }
            }
            SimTask picked = runnable.get(best);
            streak = picked == lastPicked ? streak + 1 : 1;
            lastPicked = picked;
            return best;
        }
    }

    /** Follows a recorded trace, and stops the run where the code under test departs from it. */
    static final class Replay extends Choice {
        private final Trace trace;

        Replay(Trace trace) {
            this.trace = trace;
        }

        @Override
        int pick(List<SimTask> runnable, SimTask last, int step, long now) {
            if (step >= trace.steps().size()) {
                throw new IllegalStateException("replay diverged at step " + step + ": the trace ends after "
                        + trace.steps().size() + " steps, but " + runnable + " are still runnable");
            }
            Step expected = trace.steps().get(step);
            if (expected.virtualNanos() != now) {
                throw new IllegalStateException("replay diverged at step " + step + ": the trace ran " + expected.task()
                        + " at virtual time " + expected.virtualNanos() + " ns, but this run is at " + now + " ns");
            }
            for (int i = 0; i < runnable.size(); i++) {
                if (runnable.get(i).label.equals(expected.task())) {
                    if (runnable.size() != expected.runnable()) {
                        break;
                    }
                    return i;
                }
            }
            throw new IllegalStateException("replay diverged at step " + step + ": the trace ran " + expected.task()
                    + " (of " + expected.runnable() + " runnable), but the runnable tasks are " + runnable);
        }
    }
}
