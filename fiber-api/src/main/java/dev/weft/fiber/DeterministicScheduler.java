package dev.weft.fiber;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * A scheduler for tests: one carrier, a seeded choice of the next fiber at every scheduling point,
 * and a virtual clock. The same seed (and strategy) gives the same interleaving, and the same
 * {@link #trace() trace}, on every run and every machine, as long as the code under test waits
 * only through Weft (see <i>What escapes</i> below). Get one from
 * {@link Schedulers#deterministic(long)}, {@link Schedulers#deterministic(long, Strategy)} or
 * {@link Schedulers#replay(Trace)}; {@code dev.weft.fiber.test.FiberTest} runs a JUnit test under
 * many seeds.
 *
 * <pre>{@code
 * DeterministicScheduler s = Schedulers.deterministic(42);
 * s.run(() -> {
 *     Fiber<?> a = Fiber.start(() -> work());      // started from a fiber of s: runs on s
 *     Fiber.sleep(Duration.ofHours(1));            // virtual: returns at once
 *     a.join();
 * });
 * System.out.println(s.trace());
 * }</pre>
 *
 * <p><b>A run.</b> {@link #run(Body)} starts the body as the root fiber, named {@code main}, and
 * drives every fiber of this scheduler on one carrier thread until all of them have ended. A
 * fiber started without a scheduler from inside a fiber of this scheduler runs on it too. A
 * scheduler runs once: after {@code run} returns or throws it is terminated.
 *
 * <p><b>Without {@code run}.</b> Fibers started on the scheduler from outside
 * ({@code Fiber.builder().scheduler(s).start(...)} on a test thread, then {@code join}) run too,
 * on a carrier the scheduler starts for them, with the same seeded choices and virtual clock.
 * What arrives from outside (new fibers, wake-ups by a real thread) is handed in only when every
 * fiber inside waits and the threads that submitted are waiting themselves (as a thread in
 * {@code join} is), or after {@code weft.deterministic.blockedMillis} of real time: so starting
 * fibers and then joining them repeats with the seed, while a thread that keeps submitting as it
 * computes brings its real timing in. In this mode a deadlock is logged (after
 * {@code weft.deterministic.idleDeadlockMillis} of real time, default 1000, with nothing
 * arriving) and the live fibers are cancelled, so that the joining thread does not hang; escapes
 * are not watched. {@code run} is the way to get every guarantee below; a scheduler used this
 * way cannot {@code run} afterwards.
 *
 * <p><b>Scheduling points.</b> The carrier picks the next task each time the running fiber
 * suspends: {@link Fiber#yield()}, a park (and so every Weft wait: join, sleep, channel
 * operations, locks, semaphores, latches, select) and the end of a fiber. Code between two
 * suspensions runs without interruption, as it would on one carrier of any Weft scheduler.
 * The {@link Strategy} decides how the pick is made; each pick is one {@link Step} of the trace.
 *
 * <p><b>Virtual time.</b> {@link #nanoTime()} and {@link #clock()} start at zero (the clock at
 * {@link java.time.Instant#EPOCH}) and stand still while any task is runnable. When none is and a
 * time-out is pending ({@code Fiber.sleep}, a timed park, join, receive, lock, select), the clock
 * jumps to the earliest deadline and the tasks due then become runnable (in the order their
 * wake-ups were asked for). A test of a ten-minute time-out takes microseconds.
 *
 * <p><b>Deadlock.</b> When fibers are alive, none is runnable and no time-out is pending, the
 * run ends with a {@link DeadlockException} whose {@link DeadlockException#dump() dump} lists every
 * live fiber with its state, where it waits and its stack. Once the root fiber has ended, fibers
 * still blocked for good are reported the same way (as Go's {@code testing/synctest} does): a
 * test must not leave fibers behind.
 *
 * <p><b>What escapes</b> (and is reported with a {@link DeterminismViolationException} instead of
 * being silently nondeterministic): a task submitted or a fiber woken by a thread other than the
 * carrier while the run is under way (a real thread, or a fiber of another scheduler); the
 * carrier blocked in a call Weft does not own ({@code Thread.sleep}, a {@code java.util.concurrent}
 * lock, blocking I/O) for longer than {@code weft.deterministic.blockedMillis} of real time
 * (default 200); a fiber that cannot unmount at a park (pinned by a held monitor or a native
 * frame) and so blocks the one carrier. What cannot be detected: code that reads the real clock
 * itself ({@code System.nanoTime()}, {@code Instant.now()}) and decides on it, a blocking call
 * shorter than the bound, and shared state touched by real threads without waking a fiber.
 *
 * <p>The scheduler's other methods keep the {@link FiberScheduler} contract; after the run they
 * reject new work. Its {@code toString()} names the seed and strategy.
 */
public interface DeterministicScheduler extends FiberScheduler {

    /**
     * How the next task is picked among the runnable ones. The name of the strategy is part of a
     * seed's identity: the same seed under another strategy is another interleaving.
     */
    enum Strategy {
        /** Uniformly at random among the runnable tasks, at every scheduling point. */
        UNIFORM,
        /**
         * Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
         * ASPLOS 2010): every task gets a random priority when it is first submitted, the
         * runnable task with the highest one always runs, and at {@value #PCT_DEPTH} - 1 steps
         * drawn at random among the first {@value #PCT_HORIZON} the task that just ran drops below
         * every other. A bug of depth {@code d} (needing {@code d} ordering constraints) among
         * {@code n} tasks is found with probability at least {@code 1 / (n k^(d-1))} per run,
         * {@code k} being the horizon. A task that yields keeps its priority (it runs on through
         * its yields), except after {@value #PCT_HORIZON} picks in a row: then it drops below every
         * other, so that a fiber spinning on {@code yield} cannot starve the one it waits for.
         */
        PCT;

        /** The bug depth PCT is tuned for: it places {@code PCT_DEPTH - 1} priority change points. */
        public static final int PCT_DEPTH = 3;

        /** The number of steps among which PCT places its change points. */
        public static final int PCT_HORIZON = 64;
    }

    /**
     * The test code a {@link #run(Body) run} starts as its root fiber.
     */
    @FunctionalInterface
    interface Body {
        /**
         * Runs in the root fiber.
         *
         * @throws Exception anything; it ends the run and is rethrown by {@link #run(Body)}
         */
        void run() throws Exception;
    }

    /**
     * One decision of the scheduler.
     *
     * @param index the number of the step, from 0
     * @param task the task that was picked: {@code #n} (its number, in the order tasks were first
     *        submitted in this run, the root fiber being {@code #1}), then a space and the fiber's
     *        name if it was given one ({@link Fiber.Builder#name(String)}); a plain task is
     *        {@code #n task}
     * @param runnable how many tasks were runnable, the picked one included
     * @param virtualNanos the virtual time of the step, in {@link #nanoTime()} terms
     */
    record Step(int index, String task, int runnable, long virtualNanos) {
        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException if {@code index} or {@code virtualNanos} is negative,
         *         or {@code runnable} is less than 1
         * @throws NullPointerException if {@code task} is null
         */
        public Step {
            Objects.requireNonNull(task, "task");
            if (index < 0 || runnable < 1 || virtualNanos < 0) {
                throw new IllegalArgumentException("bad step: index " + index + ", runnable " + runnable
                        + ", virtual time " + virtualNanos);
            }
        }

        /** @return one line: index, virtual time in seconds, task and the number of choices */
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%5d  t=%.9fs  %s  (of %d runnable)", index, virtualNanos / 1e9, task, runnable);
        }
    }

    /**
     * The decisions of one run, in order: what {@link Schedulers#replay(Trace)} follows, and what
     * two runs of the same seed give equal ({@link #equals(Object)} compares the seed, the
     * strategy and every step).
     *
     * @param seed the seed of the run
     * @param strategy the strategy of the run
     * @param steps every decision, in order; copied, unmodifiable
     */
    record Trace(long seed, Strategy strategy, List<Step> steps) {
        /**
         * Checks and copies the values.
         *
         * @throws NullPointerException if {@code strategy} or {@code steps} (or a step) is null
         */
        public Trace {
            Objects.requireNonNull(strategy, "strategy");
            steps = List.copyOf(steps);
        }

        /** @return a header line (seed, strategy, number of steps), then one line per step */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Trace[seed=").append(seed).append(", ").append(strategy)
                    .append(", ").append(steps.size()).append(" steps]");
            for (Step s : steps) {
                b.append('\n').append(s);
            }
            return b.toString();
        }
    }

    /**
     * Runs {@code body} as the root fiber and every fiber of this scheduler on one carrier thread
     * until all have ended. Blocks the calling thread, which must not be the carrier (a fiber of
     * this scheduler). Call it once.
     *
     * @param body the test code
     * @throws Exception what {@code body} threw, as it was thrown
     * @throws DeadlockException if fibers are alive, none can run and no time-out is pending
     * @throws DeterminismViolationException if code escaped the scheduler (see the class comment)
     * @throws IllegalStateException if the run took more than {@code weft.deterministic.maxSteps}
     *         steps (default 10,000,000: a fiber that spins on {@code yield} waiting for the clock,
     *         which stands still), or this scheduler already ran, or it was shut down
     * @throws NullPointerException if {@code body} is null
     */
    void run(Body body) throws Exception;

    /**
     * The seed of this scheduler's choices.
     *
     * @return the seed given at creation, or the replayed trace's
     */
    long seed();

    /**
     * How this scheduler picks the next task.
     *
     * @return the strategy given at creation, or the replayed trace's
     */
    Strategy strategy();

    /**
     * The virtual clock, in UTC, as a {@link Clock} (and so an {@link java.time.InstantSource}):
     * {@link java.time.Instant#EPOCH} plus {@link #nanoTime()}. Any thread.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * The virtual time in nanoseconds from the start of the run (0 before it). Any thread.
     *
     * @return the virtual time
     */
    @Override
    long nanoTime();

    /**
     * The decisions made so far; complete once {@link #run(Body)} has returned or thrown.
     *
     * @return a copy
     */
    Trace trace();
}
