package dev.weft.bench.memory;

import dev.weft.bench.kotlin.SuspendedCoroutines;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.core.StackfulContinuation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A growing population of tasks of one kind, each suspended {@code depth} frames deep, for the
 * memory probes. Tasks are started in batches; {@link #awaitSuspended()} returns once every task
 * started so far is suspended; {@link #release()} lets them all finish.
 *
 * <p>Contender names (also the report's benchmark names): {@code baselineRawContinuation},
 * {@code weftFiber}, {@code virtualThread}, {@code kotlinCoroutine}.
 */
abstract class SuspendedTasks {
    /** The contenders, in report order. */
    static final List<String> CONTENDERS = List.of("baselineRawContinuation", "weftFiber", "virtualThread", "kotlinCoroutine");

    final int depth;
    /** Set once by {@link #release()}; read by suspended tasks after every wake-up. */
    volatile boolean released;

    SuspendedTasks(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1: " + depth);
        }
        this.depth = depth;
    }

    /** Creates the population for {@code contender} (one of {@link #CONTENDERS}). */
    static SuspendedTasks create(String contender, int depth) {
        return switch (contender) {
            case "baselineRawContinuation" -> new RawContinuations(depth);
            case "weftFiber" -> new WeftFibers(depth);
            case "virtualThread" -> new VirtualThreads(depth);
            case "kotlinCoroutine" -> new KotlinCoroutines(depth);
            default -> throw new IllegalArgumentException("unknown contender '" + contender + "', expected one of " + CONTENDERS);
        };
    }

    /**
     * Makes room for {@code count} more tasks in this population's own bookkeeping, so that a
     * measurement that starts them afterwards does not charge the growth of a list to them.
     */
    void reserve(int count) {
    }

    /**
     * Starts, suspends and releases a few populations of {@code count} tasks, pausing between
     * them, so that class loading, the threads involved (carriers, the JDK's virtual-thread
     * scheduler, Kotlin's dispatcher) and, above all, the JIT compilation of the code on the
     * suspended stacks are done before anything is measured: an interpreted frame is several
     * times larger than a compiled one, and a population mixing the two measures neither.
     */
    final void warmUp(int count) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            startBatch(count);
            awaitSuspended();
            release();
            Thread.sleep(200);
        }
    }

    /** Starts {@code count} more tasks. */
    abstract void startBatch(int count);

    /** Blocks until every task started so far is suspended. */
    abstract void awaitSuspended() throws InterruptedException;

    /** Lets every task finish and waits for them; the population is then empty. */
    abstract void release() throws InterruptedException;

    /** Descends {@code remaining} frames, then waits in {@code suspend} until released. */
    final int descend(int remaining, Runnable suspend) {
        if (remaining == 1) {
            while (!released) {
                suspend.run();
            }
            return 1;
        }
        // Not a tail call: the addition keeps this frame on the stack while suspended.
        return descend(remaining - 1, suspend) + 1;
    }

    /** Raw continuations suspended by a yield; no scheduler, the probe thread resumes them. */
    static final class RawContinuations extends SuspendedTasks {
        private static final StackfulContinuation.Scope SCOPE = new StackfulContinuation.Scope("bench-memory");
        private static final Runnable YIELD = () -> StackfulContinuation.yield(SCOPE);
        private final ArrayList<Parked> tasks = new ArrayList<>();

        RawContinuations(int depth) {
            super(depth);
        }

        final class Parked extends StackfulContinuation {
            Parked() {
                super(SCOPE);
            }

            @Override
            protected void enter() {
                descend(depth, YIELD);
            }
        }

        @Override
        void reserve(int count) {
            tasks.ensureCapacity(tasks.size() + count);
        }

        @Override
        void startBatch(int count) {
            for (int i = 0; i < count; i++) {
                Parked p = new Parked();
                p.resume();
                tasks.add(p);
            }
        }

        @Override
        void awaitSuspended() {
            // resume() returns only once the continuation has yielded.
        }

        @Override
        void release() {
            released = true;
            for (Parked p : tasks) {
                p.resume();
                if (!p.isFinished()) {
                    throw new IllegalStateException("a raw continuation did not finish after release");
                }
            }
            tasks.clear();
            released = false;
        }
    }

    /** Weft fibers parked with {@code Fiber.park()} on a two-carrier work-stealing scheduler. */
    static final class WeftFibers extends SuspendedTasks {
        private static final Runnable PARK = Fiber::park;
        private final FiberScheduler scheduler = Schedulers.workStealing(2);
        private final ArrayList<Fiber<Integer>> tasks = new ArrayList<>();
        /** Tasks before this index are known to be parked. */
        private int confirmed;

        WeftFibers(int depth) {
            super(depth);
        }

        @Override
        void reserve(int count) {
            tasks.ensureCapacity(tasks.size() + count);
        }

        @Override
        void startBatch(int count) {
            for (int i = 0; i < count; i++) {
                tasks.add(Fiber.builder().scheduler(scheduler).start(() -> descend(depth, PARK)));
            }
        }

        @Override
        void awaitSuspended() throws InterruptedException {
            for (; confirmed < tasks.size(); confirmed++) {
                Fiber<Integer> f = tasks.get(confirmed);
                while (f.state() != Fiber.State.PARKED) {
                    Thread.sleep(1);
                }
            }
        }

        @Override
        void release() throws InterruptedException {
            released = true;
            for (Fiber<Integer> f : tasks) {
                f.unpark();
            }
            for (Fiber<Integer> f : tasks) {
                f.join();
            }
            tasks.clear();
            confirmed = 0;
            released = false;
        }
    }

    /** Virtual threads parked with {@code LockSupport.park()} (JDK default scheduler). */
    static final class VirtualThreads extends SuspendedTasks {
        private static final Runnable PARK = LockSupport::park;
        private final ArrayList<Thread> tasks = new ArrayList<>();
        /** Tasks before this index are known to be parked. */
        private int confirmed;

        VirtualThreads(int depth) {
            super(depth);
        }

        @Override
        void reserve(int count) {
            tasks.ensureCapacity(tasks.size() + count);
        }

        @Override
        void startBatch(int count) {
            for (int i = 0; i < count; i++) {
                tasks.add(Thread.ofVirtual().start(() -> descend(depth, PARK)));
            }
        }

        @Override
        void awaitSuspended() throws InterruptedException {
            for (; confirmed < tasks.size(); confirmed++) {
                Thread t = tasks.get(confirmed);
                while (t.getState() != Thread.State.WAITING) {
                    Thread.sleep(1);
                }
            }
        }

        @Override
        void release() throws InterruptedException {
            released = true;
            for (Thread t : tasks) {
                LockSupport.unpark(t);
            }
            for (Thread t : tasks) {
                t.join();
            }
            tasks.clear();
            confirmed = 0;
            released = false;
        }
    }

    /** Kotlin coroutines suspended in {@code suspendCancellableCoroutine} on {@code Dispatchers.Default}. */
    static final class KotlinCoroutines extends SuspendedTasks {
        private final List<SuspendedCoroutines> batches = new ArrayList<>();

        KotlinCoroutines(int depth) {
            super(depth);
        }

        @Override
        void reserve(int count) {
            batches.add(new SuspendedCoroutines(count, depth));
        }

        @Override
        void startBatch(int count) {
            SuspendedCoroutines last = batches.isEmpty() ? null : batches.get(batches.size() - 1);
            if (last == null || last.room() < count) {
                last = new SuspendedCoroutines(count, depth);
                batches.add(last);
            }
            last.startBatch(count);
        }

        @Override
        void awaitSuspended() {
            for (SuspendedCoroutines b : batches) {
                b.awaitSuspended();
            }
        }

        @Override
        void release() {
            // The batches stay, empty and reusable, so a reserved capacity survives a release.
            for (SuspendedCoroutines b : batches) {
                b.release();
            }
        }
    }
}
