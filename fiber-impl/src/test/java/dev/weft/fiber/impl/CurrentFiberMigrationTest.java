package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Fiber#current()} stays right when a fiber moves between carriers, also once C2 has
 * compiled the loop that suspends; and carrier affinity keeps a fiber on its carrier.
 *
 * <p>The first test runs on {@link AlternatingScheduler}, a scheduler written here against the
 * public SPI (which also shows that a user can write one): it sends every submission to the
 * carrier that did not submit it, so every resume of a yielding fiber migrates. The fiber
 * yields in a loop long enough for C2 to compile it and checks {@code Fiber.current()} after
 * every yield. It also counts how often an inlined {@code Thread.currentThread()} read after a
 * yield still shows the carrier from before the yield, the hazard described in
 * {@code docs/internals.md}; that count depends on the JIT, so it is printed, not asserted.
 */
class CurrentFiberMigrationTest {

    private static final int ITERATIONS = Boolean.getBoolean("weft.stress") ? 2_000_000 : 200_000;

    /**
     * {@code Thread.currentThread()} called through a method handle in a non-final field: C2
     * cannot inline the call, so every call reads the carrier afresh, even in a compiled frame
     * that migrated. This is the test's ground truth for "which carrier am I on".
     */
    private static MethodHandle freshCurrentThread = freshCurrentThreadHandle();

    private static MethodHandle freshCurrentThreadHandle() {
        try {
            return MethodHandles.lookup().findStatic(Thread.class, "currentThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Thread actualCarrier() {
        try {
            return (Thread) freshCurrentThread.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** What a fiber saw over its loop. */
    record MigrationCounts(long wrongCurrent, long notMigrated, long staleInlinedReads, long iterations) {
    }

    @Test
    void currentFiberIsRightAfterEveryForcedMigration() throws Exception {
        try (AlternatingScheduler s = new AlternatingScheduler()) {
            Fiber<MigrationCounts> f = Fiber.builder().scheduler(s).name("migrating").start(() -> {
                Fiber<?> self = Fiber.current();
                long wrongCurrent = 0;
                long notMigrated = 0;
                long staleInlined = 0;
                Thread before = actualCarrier();
                for (int i = 0; i < ITERATIONS; i++) {
                    Fiber.yield();
                    Thread inlined = Thread.currentThread();
                    Thread actual = actualCarrier();
                    if (Fiber.current() != self) {
                        wrongCurrent++;
                    }
                    if (actual == before) {
                        notMigrated++;
                    }
                    if (inlined != actual) {
                        staleInlined++;
                    }
                    before = actual;
                }
                return new MigrationCounts(wrongCurrent, notMigrated, staleInlined, ITERATIONS);
            });
            MigrationCounts counts = f.get();
            System.out.printf("CurrentFiberMigrationTest: %d forced migrations; Fiber.current() wrong %d times; "
                            + "inlined Thread.currentThread() stale after %d of them (not asserted: depends on the JIT)%n",
                    counts.iterations(), counts.wrongCurrent(), counts.staleInlinedReads());
            assertEquals(0, counts.notMigrated(), "the alternating scheduler failed to move the fiber on some resumes");
            assertEquals(0, counts.wrongCurrent(), "Fiber.current() returned another fiber (or null) after a migration");
            assertTrue(s.runs(0) > ITERATIONS / 2 - 1 && s.runs(1) > ITERATIONS / 2 - 1,
                    "both carriers ran the fiber: " + s.runs(0) + " / " + s.runs(1));
        }
    }

    @Test
    void currentFiberIsRightForManyFibersMigratingTogether() throws Exception {
        try (AlternatingScheduler s = new AlternatingScheduler()) {
            List<Fiber<Long>> fibers = new ArrayList<>();
            for (int n = 0; n < 8; n++) {
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    Fiber<?> self = Fiber.current();
                    long wrong = 0;
                    for (int i = 0; i < ITERATIONS / 8; i++) {
                        Fiber.yield();
                        if (Fiber.current() != self) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            for (Fiber<Long> f : fibers) {
                assertEquals(0L, f.get(), "Fiber.current() returned another fiber after a migration");
            }
        }
    }

    @Test
    void carrierAffinityKeepsTheFiberOnItsCarrier() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            // Background fibers keep both carriers busy, and a plain thread unparks the two
            // measured fibers, so their wake-ups arrive from outside the scheduler and may be
            // taken by either carrier: a fiber without affinity moves now and then.
            AtomicBoolean stop = new AtomicBoolean();
            List<Fiber<Void>> load = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                load.add(Fiber.builder().scheduler(s).start(() -> {
                    while (!stop.get()) {
                        Fiber.yield();
                    }
                }));
            }
            int iterations = ITERATIONS / 10;
            Fiber<long[]> affine = Fiber.builder().scheduler(s).carrierAffinity(true).unstarted(() -> countMoves(iterations));
            Fiber<long[]> free = Fiber.builder().scheduler(s).unstarted(() -> countMoves(iterations));
            Thread unparker = Thread.ofPlatform().name("affinity-unparker").start(() -> {
                while (!stop.get()) {
                    affine.unpark();
                    free.unpark();
                    Thread.onSpinWait();
                }
            });
            affine.start();
            free.start();
            long[] affineMoves;
            long[] freeMoves;
            try {
                affineMoves = affine.get();
                freeMoves = free.get();
            } finally {
                stop.set(true);
                Await.joined(unparker);
            }
            Await.joinedAll(load);
            System.out.printf("CurrentFiberMigrationTest: over %d yields and parks on workStealing(2), a fiber without "
                    + "affinity changed carrier %d times; with affinity %d times%n", 2 * iterations, freeMoves[0], affineMoves[0]);
            assertEquals(0, affineMoves[0], "a fiber with carrier affinity resumed on another carrier");
            assertEquals(0, affineMoves[1], "Thread.currentThread() changed across a yield or park of a fiber with affinity");
        }
    }

    /**
     * Yields and parks {@code iterations} times each; returns how often the actual carrier changed
     * across a suspension and how often the inlined {@code Thread.currentThread()} did.
     */
    private static long[] countMoves(int iterations) {
        long actualMoves = 0;
        long inlinedMoves = 0;
        for (int i = 0; i < 2 * iterations; i++) {
            Thread actualBefore = actualCarrier();
            Thread inlinedBefore = Thread.currentThread();
            if ((i & 1) == 0) {
                Fiber.yield();
            } else {
                Fiber.park();
            }
            if (actualCarrier() != actualBefore) {
                actualMoves++;
            }
            if (Thread.currentThread() != inlinedBefore) {
                inlinedMoves++;
            }
        }
        return new long[] {actualMoves, inlinedMoves};
    }

    /**
     * A two-carrier scheduler written against the public SPI only, which moves every task to the
     * carrier that did not submit it (and alternates for submissions from other threads).
     *
     * <p>Carriers spin on their queues instead of parking: a hand-off between two spinning threads
     * costs well under a microsecond, where waking a parked one costs tens, and the test makes
     * hundreds of thousands of them. The carriers exist only for the duration of one test.
     * {@link #execute} is the only submission path; the SPI's {@code resume} defaults call it.
     */
    static final class AlternatingScheduler implements FiberScheduler {
        private final Carrier[] carriers = {new Carrier(0), new Carrier(1)};
        private final AtomicLong outsideSubmissions = new AtomicLong();
        private volatile boolean shutdown;

        AlternatingScheduler() {
            for (Carrier c : carriers) {
                c.thread.start();
            }
        }

        @Override
        public void execute(Runnable task) {
            Objects.requireNonNull(task, "task");
            if (shutdown) {
                throw new RejectedExecutionException("alternating scheduler is shut down");
            }
            int from = currentCarrier();
            int to = from >= 0 ? 1 - from : (int) (outsideSubmissions.getAndIncrement() & 1);
            carriers[to].queue.add(task);
        }

        @Override
        public int currentCarrier() {
            Thread t = actualCarrier();
            for (Carrier c : carriers) {
                if (c.thread == t) {
                    return c.index;
                }
            }
            return -1;
        }

        long runs(int carrier) {
            return carriers[carrier].runs.get();
        }

        /** Fibers started here run to completion before the test closes the scheduler, so shutdown only stops the carriers. */
        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public void shutdownNow() {
            shutdown = true;
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && !carriers[0].thread.isAlive() && !carriers[1].thread.isAlive();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Carrier c : carriers) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                c.thread.join(left);
            }
            return isTerminated();
        }

        @Override
        public SchedulerStats stats() {
            long queued = carriers[0].queue.size() + carriers[1].queue.size();
            long live = (carriers[0].thread.isAlive() ? 1 : 0) + (carriers[1].thread.isAlive() ? 1 : 0);
            return new SchedulerStats("alternating", (int) live, 2, 0, 0, runs(0) + runs(1), 0, queued, 0);
        }

        private final class Carrier implements Runnable {
            final int index;
            final Thread thread;
            final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
            final AtomicLong runs = new AtomicLong();

            Carrier(int index) {
                this.index = index;
                this.thread = Thread.ofPlatform().daemon().name("alternating-carrier-" + index).unstarted(this);
            }

            @Override
            public void run() {
                int idle = 0;
                while (true) {
                    Runnable task = queue.poll();
                    if (task != null) {
                        idle = 0;
                        runs.incrementAndGet();
                        task.run();
                    } else if (shutdown) {
                        return;
                    } else if (++idle % 1_000 == 0) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }
        }
    }
}
