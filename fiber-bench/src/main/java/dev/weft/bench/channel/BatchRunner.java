package dev.weft.bench.channel;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Long-lived tasks that talk over channels, driven in batches by the benchmark thread: a
 * <em>lead</em> task that runs one batch (a fixed number of messages) each time it is asked,
 * and <em>partner</em> tasks (the other end: an echo, a producer) that run until their conduits
 * close. All are started once, in a benchmark's {@code @Setup}, and stopped in its
 * {@code @TearDown}, so a measured operation is channel traffic between tasks that are already
 * running, never the start of a task.
 *
 * <h2>Implementation overview</h2>
 * The benchmark thread asks for a batch by writing its size to {@code requested} (volatile) and
 * unparking the lead; the lead, parked while {@code requested} is 0, takes the request, clears
 * it, runs the batch, then increments {@code completed} (volatile, written only by the lead) and
 * unparks the waiting thread, which parks until {@code completed} reaches the value it expects.
 * The waiter's identity is a plain field written before the volatile write of
 * {@code requested} and read by the lead after the volatile read of it, which orders the two.
 * Unpark-before-park permits mean neither wake-up is lost, and spurious returns from park just
 * re-check the field. One hand-off in and one out per batch: with batches of thousands of
 * messages their cost (a cross-thread wake-up, tens of microseconds when a core sleeps) is a few
 * nanoseconds per message at most. No step allocates.
 *
 * <p>A task that throws (other than while stopping) records the failure and wakes the waiter,
 * which throws it, so a broken contender fails its benchmark instead of hanging it.
 *
 * <p>{@link #stop()}: sets {@code stopping} and wakes the lead (idle between batches, it
 * returns), closes the conduits (partners waiting in them see "closed" and return), interrupts
 * every task if a conduit cannot be closed (JDK queues), then joins every task with a time
 * limit and throws if one is still alive: no task outlives its trial.
 */
final class BatchRunner {
    /** How long {@link #stop()} waits for each task to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** One batch of the lead: {@code messages} messages. */
    @FunctionalInterface
    interface Batch {
        void run(int messages) throws InterruptedException;
    }

    /** A partner's whole life: returns when its conduit closes. */
    @FunctionalInterface
    interface Partner {
        void run() throws InterruptedException;
    }

    /** A started task. */
    interface Task {
        void unpark();

        void interrupt();

        boolean join(Duration timeout) throws InterruptedException;
    }

    /** Which kind of task runs the lead and the partners, and how the lead parks. */
    interface Tasks {
        Task start(String name, Runnable body);

        /** Parks the calling task (the lead) until unparked, or spuriously. */
        void parkCurrent();

        /** Weft fibers on {@code scheduler}. */
        static Tasks fibers(FiberScheduler scheduler) {
            return new Tasks() {
                @Override
                public Task start(String name, Runnable body) {
                    Fiber<?> f = Fiber.builder().name(name).scheduler(scheduler).start(body);
                    return new Task() {
                        @Override
                        public void unpark() {
                            f.unpark();
                        }

                        @Override
                        public void interrupt() {
                            f.interrupt();
                        }

                        @Override
                        public boolean join(Duration timeout) throws InterruptedException {
                            return f.join(timeout);
                        }
                    };
                }

                @Override
                public void parkCurrent() {
                    Fiber.park();
                }
            };
        }

        /** JDK virtual threads (default scheduler). */
        static Tasks virtualThreads() {
            return new Tasks() {
                @Override
                public Task start(String name, Runnable body) {
                    Thread t = Thread.ofVirtual().name(name).start(body);
                    return new Task() {
                        @Override
                        public void unpark() {
                            LockSupport.unpark(t);
                        }

                        @Override
                        public void interrupt() {
                            t.interrupt();
                        }

                        @Override
                        public boolean join(Duration timeout) throws InterruptedException {
                            return t.join(timeout);
                        }
                    };
                }

                @Override
                public void parkCurrent() {
                    LockSupport.park();
                }
            };
        }
    }

    private final Tasks tasks;
    private final List<Conduit> conduits;
    private final Batch batch;
    private final Task lead;
    private final List<Task> partners = new ArrayList<>();

    /** Messages asked for by the waiter; 0 when the lead is idle. Written by both sides. */
    private volatile int requested;
    /** Batches finished; written only by the lead. */
    private volatile long completed;
    private volatile boolean stopping;
    /** The first failure of a task while not stopping. */
    private volatile Throwable failure;
    /** The thread waiting in {@link #run}; published by the volatile write of {@code requested}. */
    private Thread waiter;

    /**
     * Starts the lead and the partners.
     *
     * @param name     a prefix for the tasks' names
     * @param tasks    what runs them
     * @param conduits every conduit the tasks use, closed by {@link #stop()}
     * @param batch    the lead's batch
     * @param partners the partners' bodies
     */
    BatchRunner(String name, Tasks tasks, List<Conduit> conduits, Batch batch, List<Partner> partners) {
        this.tasks = tasks;
        this.conduits = List.copyOf(conduits);
        this.batch = batch;
        for (int i = 0; i < partners.size(); i++) {
            Partner p = partners.get(i);
            this.partners.add(tasks.start(name + "-partner-" + i, () -> partnerBody(p)));
        }
        this.lead = tasks.start(name + "-lead", this::leadLoop);
    }

    /**
     * Runs one batch of {@code messages} in the lead and waits for it. Called by one thread at a
     * time (the JMH benchmark thread), never by one of the tasks.
     *
     * @return {@code messages}
     * @throws IllegalStateException if a task failed
     */
    int run(int messages) throws InterruptedException {
        long target = completed + 1;
        waiter = Thread.currentThread();
        requested = messages;
        lead.unpark();
        while (completed < target) {
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("a contender task failed", f);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted waiting for a batch");
            }
            LockSupport.park(this);
        }
        return messages;
    }

    private void leadLoop() {
        try {
            while (true) {
                int n;
                while ((n = requested) == 0) {
                    if (stopping) {
                        return;
                    }
                    tasks.parkCurrent();
                }
                requested = 0;
                batch.run(n);
                completed = completed + 1;
                LockSupport.unpark(waiter);
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void partnerBody(Partner p) {
        try {
            p.run();
        } catch (InterruptedException stopped) {
            if (!stopping) {
                fail(stopped);
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void fail(Throwable t) {
        if (!stopping && failure == null) {
            failure = t;
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Stops every task and waits for them (see the class comment). Called once, by the thread
     * that calls {@link #run}, between batches.
     *
     * @throws IllegalStateException if a task is still alive after the time limit
     */
    void stop() throws InterruptedException {
        stopping = true;
        lead.unpark();
        boolean allClosed = true;
        for (Conduit c : conduits) {
            allClosed &= c.close();
        }
        List<Task> all = new ArrayList<>(partners);
        all.add(lead);
        if (!allClosed) {
            for (Task t : all) {
                t.interrupt();
            }
        }
        for (Task t : all) {
            if (!t.join(STOP_TIMEOUT)) {
                throw new IllegalStateException("a benchmark task did not stop within " + STOP_TIMEOUT);
            }
        }
    }

    /** A lead's message loop found its conduit closed: only a failure elsewhere does that mid-batch. */
    static IllegalStateException closedMidBatch() {
        return new IllegalStateException("a conduit closed in the middle of a batch");
    }
}
