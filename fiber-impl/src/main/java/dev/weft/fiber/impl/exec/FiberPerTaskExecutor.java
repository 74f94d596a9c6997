package dev.weft.fiber.impl.exec;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.core.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@code ExecutorService} that runs each task in a strand of its own: a JDK virtual thread
 * carried by a Weft scheduler, or a raw Weft fiber ({@link Mode}). Optionally bounded: at most
 * {@code maxConcurrency} tasks run, the rest wait in a queue.
 *
 * <p><b>Life cycle</b> ({@link #runState}, CAS): {@code RUNNING -> SHUTDOWN -> TERMINATED}, and
 * {@code RUNNING|SHUTDOWN -> STOP -> TERMINATED} for {@code shutdownNow}. {@link #accepted} counts
 * the tasks accepted and not yet finished (queued or running). A submitter counts up first and
 * then reads the run state; a shutdown writes the run state first and then reads the count. Both
 * are sequentially consistent, so a submitter that saw RUNNING is counted before any terminator
 * reads zero; one that saw a shutdown undoes its count-up (and may be the one that terminates).
 * The executor terminates when it is shut down and the count is zero; the CAS to TERMINATED
 * makes that happen once, and {@link #termination} releases the waiters.
 *
 * <p><b>Running tasks</b> are in {@link #running} ({@link RunningJobs}: the jobs themselves,
 * linked in striped lists), so that {@code shutdownNow} can interrupt them.
 * A {@link Job} records its strand before it runs the task and then reads the run state;
 * {@code shutdownNow} writes STOP and then reads the strands: either it interrupts the job, or
 * the job sees STOP and interrupts itself before the task starts (as {@code ThreadPoolExecutor}'s
 * workers do), so no task escapes the interrupt.
 *
 * <p><b>Bounded mode.</b> {@link #permits} counts free slots; jobs beyond them wait in the
 * lock-free {@link #queue}. Whoever adds to the queue and whoever frees a permit calls
 * {@link #drain()}, which takes a permit, then a job; finding the queue empty it gives the permit
 * back and looks again, so a job queued while the permit was held is never stranded (the
 * give-back is followed by a re-check of the queue). Nobody blocks: a submitter that finds no
 * permit leaves its job in the queue for the next finishing task to start. {@code shutdownNow}
 * takes the queued jobs out (each {@code poll} hands a job to exactly one party) and returns
 * their tasks, as {@code ThreadPoolExecutor} returns its queue.
 *
 * <p>Compared with the JDK's {@code ThreadPerTaskExecutor}, which this follows for the contract:
 * no thread container (these threads do not show in a {@code jcmd Thread.dump_to_file} tree of
 * the executor), and a future whose {@code get} suspends a Weft fiber rather than pinning it.
 * No {@code synchronized} and no {@code java.util.concurrent} lock: fibers call into this class.
 */
class FiberPerTaskExecutor extends AbstractExecutorService {

    /** How each task gets its strand. */
    abstract static class Mode {
        final FiberScheduler scheduler;

        Mode(FiberScheduler scheduler) {
            this.scheduler = scheduler;
        }

        /**
         * Creates (does not start) the strand that will run {@code job}. Called by the submitter,
         * so that the strand inherits (InheritableThreadLocal, InheritableFiberLocal) from the
         * task's submitter even when, in bounded mode, it is started later by whichever task
         * frees a slot: inheriting from that task would leak its values into this one.
         */
        abstract Object newStrand(Runnable job);

        /** Starts a strand made by {@link #newStrand}; throws RejectedExecutionException if it cannot. */
        abstract void start(Object strand);

        abstract String describe();

        /**
         * The clock of the executor's delays ({@code schedule}): the clock its strands wait by.
         * Virtual threads park in real time; raw fibers on their scheduler's clock (virtual under a
         * deterministic scheduler).
         */
        long nanoTime() {
            return System.nanoTime();
        }

        static Mode virtualThreads(FiberScheduler scheduler) {
            ThreadFactory factory = VirtualThreadBuilders.builderOn(scheduler).factory();
            return new Mode(scheduler) {
                @Override
                Object newStrand(Runnable job) {
                    Thread t = factory.newThread(job);
                    if (t == null) {
                        throw new RejectedExecutionException("the virtual-thread factory returned null");
                    }
                    return t;
                }

                @Override
                void start(Object strand) {
                    ((Thread) strand).start();
                }

                @Override
                String describe() {
                    return "virtual threads on " + scheduler;
                }
            };
        }

        static Mode rawFibers(FiberScheduler scheduler) {
            return new Mode(scheduler) {
                @Override
                Object newStrand(Runnable job) {
                    return FiberLocals.inherit(new FiberImpl<Void>(job, null, scheduler, REPORT_UNCAUGHT, false));
                }

                @Override
                void start(Object strand) {
                    ((FiberImpl<?>) strand).start();
                }

                @Override
                String describe() {
                    return "fibers on " + scheduler;
                }

                @Override
                long nanoTime() {
                    return scheduler.nanoTime();
                }
            };
        }
    }

    /**
     * What a raw fiber does with an exception from an {@code execute}d task: what a thread does
     * with one that ends it (the default uncaught-exception handler, else a stack trace on
     * {@code System.err}), so that such failures are not silent, as with a thread pool.
     */
    static final Fiber.UncaughtExceptionHandler REPORT_UNCAUGHT = (fiber, error) -> {
        Thread.UncaughtExceptionHandler h = Thread.getDefaultUncaughtExceptionHandler();
        if (h != null) {
            h.uncaughtException(Thread.currentThread(), error);
        } else {
            System.err.print("Exception in " + fiber + " ");
            error.printStackTrace();
        }
    };

    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;
    private static final int TERMINATED = 3;

    private static final VarHandle RUN_STATE;

    static {
        try {
            RUN_STATE = MethodHandles.lookup().findVarHandle(FiberPerTaskExecutor.class, "runState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Mode mode;
    private final int maxConcurrency;
    private volatile int runState;
    private final AtomicLong accepted = new AtomicLong();
    private final RunningJobs running = new RunningJobs();
    private final CompletionSignal termination = new CompletionSignal();
    /** Bounded mode only (else null). */
    private final AtomicInteger permits;
    private final ConcurrentLinkedQueue<Job> queue;

    FiberPerTaskExecutor(Mode mode, int maxConcurrency) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.maxConcurrency = maxConcurrency;
        boolean bounded = maxConcurrency != Integer.MAX_VALUE;
        this.permits = bounded ? new AtomicInteger(maxConcurrency) : null;
        this.queue = bounded ? new ConcurrentLinkedQueue<>() : null;
    }

    /** One accepted task and the strand that runs it. */
    final class Job extends RunningJobs.Node implements Runnable {
        final Runnable task;
        volatile Object strand;
        /**
         * The strand made for this job by its submitter ({@link Mode#newStrand}), until
         * {@link #launch} starts it. Plain: written before the job is queued or launched, read
         * by the launcher (the queue's offer/poll orders a queued job's write before the read).
         */
        Object unstarted;

        @Override
        Object strand() {
            return strand;
        }

        Job(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            Object self = Strand.current();
            strand = self;
            try {
                if (runState >= STOP) {
                    Strand.reinterrupt(self); // shutdownNow may have missed this job: see the class comment
                }
                task.run();
            } finally {
                strand = null;
                finished(this);
            }
        }
    }

    // ----------------------------------------------------------------------------------------
    // Accepting and running

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        accepted.incrementAndGet();
        if (runState != RUNNING) {
            taskEnded();
            throw new RejectedExecutionException(this + " is shut down");
        }
        Job job = new Job(task);
        try {
            job.unstarted = mode.newStrand(job); // here, in the submitter: see Mode.newStrand
        } catch (RuntimeException | Error e) {
            taskEnded();
            throw e instanceof RejectedExecutionException r ? r
                    : new RejectedExecutionException("could not create a strand for the task: " + e, e);
        }
        if (queue == null) {
            launch(job, true);
        } else {
            queue.offer(job);
            // A shutdownNow between the run-state check above and this offer has emptied the
            // queue already, and drain() no longer starts jobs after STOP: the job would be
            // neither run nor returned, and the count never zero. So re-check after the offer
            // (as ThreadPoolExecutor.execute does): if STOP is seen and the job is still in the
            // queue, take it back and reject it; if someone polled it, they own it (a drain that
            // launched it, or a shutdownNow that returned it). Offer and STOP write are both
            // volatile: a shutdownNow that polls after our offer sees the job; one whose STOP
            // write precedes our read below is seen here.
            if (runState >= STOP && queue.remove(job)) {
                taskEnded();
                throw new RejectedExecutionException(this + " is shut down");
            }
            drain();
        }
    }

    /**
     * Starts {@code job}. {@code rejectToCaller}: the caller is the submitter, so a failure to
     * start (the scheduler was shut down) is its {@code RejectedExecutionException}; otherwise
     * (a queued job started by a finishing one) the job's future fails with it instead.
     */
    private void launch(Job job, boolean rejectToCaller) {
        running.add(job);
        try {
            Object strand = job.unstarted;
            job.unstarted = null; // a running job need not keep it: the strand keeps itself
            mode.start(strand);
        } catch (RuntimeException | Error e) {
            running.remove(job);
            if (permits != null) {
                permits.incrementAndGet();
            }
            taskEnded();
            RejectedExecutionException ree = e instanceof RejectedExecutionException r ? r
                    : new RejectedExecutionException("could not start a strand for the task: " + e, e);
            if (rejectToCaller) {
                throw ree;
            }
            if (job.task instanceof TaskFuture<?> f) {
                f.failToStart(ree);
            }
        }
    }

    /** Starts queued jobs while permits are free (bounded mode); see the class comment. */
    private void drain() {
        for (;;) {
            int p = permits.get();
            if (p == 0 || runState >= STOP) {
                return;
            }
            if (!permits.compareAndSet(p, p - 1)) {
                continue;
            }
            Job job = queue.poll();
            if (job == null) {
                permits.incrementAndGet();
                if (queue.isEmpty()) {
                    return; // re-checked after the give-back: a job queued meanwhile is seen here or by its submitter
                }
                continue;
            }
            launch(job, false);
        }
    }

    private void finished(Job job) {
        running.remove(job);
        if (permits != null) {
            permits.incrementAndGet();
            if (!queue.isEmpty()) {
                drain();
            }
        }
        taskEnded();
    }

    /** Counts down one accepted task; terminates the executor if it was the last after a shutdown. */
    private void taskEnded() {
        if (accepted.decrementAndGet() == 0 && runState != RUNNING) {
            tryTerminate();
        }
    }

    private void tryTerminate() {
        for (;;) {
            int s = runState;
            if (s == RUNNING || s == TERMINATED || accepted.get() != 0) {
                return;
            }
            if (RUN_STATE.compareAndSet(this, s, TERMINATED)) {
                onTerminated();
                termination.signal();
                return;
            }
        }
    }

    /** Hook for subclasses, called once at termination before waiters wake. */
    void onTerminated() {
    }

    // ----------------------------------------------------------------------------------------
    // Futures

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new TaskFuture<>(callable);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        Objects.requireNonNull(runnable, "task");
        return new TaskFuture<>(() -> {
            runnable.run();
            return value;
        });
    }

    /**
     * As the JDK's thread-per-task executor: submits every task, returns the first result, cancels
     * the rest (with interrupts) before returning or throwing. Waiting suspends a calling fiber.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, -1L);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        return invokeAny(tasks, Math.max(0L, unit.toNanos(timeout)));
    }

    private <T> T invokeAny(Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(tasks, "tasks");
        int n = tasks.size();
        if (n == 0) {
            throw new IllegalArgumentException("'tasks' is empty");
        }
        long deadline = Strand.nanoTime(Strand.current()) + nanos; // the caller's clock: it waits by it
        InvokeAnyCollector<T> collector = new InvokeAnyCollector<>(n);
        List<Future<T>> futures = new ArrayList<>(n);
        try {
            for (Callable<T> t : tasks) {
                Objects.requireNonNull(t, "task");
                TaskFuture<T> f = new TaskFuture<>(t) {
                    @Override
                    void done() {
                        collector.completed(this);
                    }
                };
                futures.add(f);
                execute(f);
                if (collector.isSignalled()) {
                    break; // one has succeeded already (or all failed): submit no more
                }
            }
            return collector.await(nanos >= 0, deadline);
        } finally {
            for (Future<T> f : futures) {
                f.cancel(true);
            }
        }
    }

    /** The first success, or the last failure once every task has failed. */
    private static final class InvokeAnyCollector<T> extends CompletionSignal {
        private final AtomicInteger pending;
        private volatile TaskFuture<T> winner;
        private volatile Throwable lastFailure;

        InvokeAnyCollector(int n) {
            this.pending = new AtomicInteger(n);
        }

        void completed(TaskFuture<T> f) {
            if (f.state() == Future.State.SUCCESS) {
                if (winner == null) {
                    winner = f;
                }
                signal();
                return;
            }
            if (f.state() == Future.State.FAILED) {
                lastFailure = f.exceptionNow();
            }
            if (pending.decrementAndGet() == 0) {
                signal();
            }
        }

        T await(boolean timed, long deadline) throws InterruptedException, ExecutionException, TimeoutException {
            long nanos = timed ? Math.max(0L, deadline - Strand.nanoTime(Strand.current())) : -1L;
            if (!awaitSignal(nanos)) {
                throw new TimeoutException();
            }
            TaskFuture<T> w = winner;
            if (w != null) {
                return w.resultNow();
            }
            Throwable t = lastFailure;
            throw t != null ? new ExecutionException(t) : new ExecutionException(new CancellationException("every task was cancelled"));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Shutdown

    @Override
    public void shutdown() {
        if (RUN_STATE.compareAndSet(this, RUNNING, SHUTDOWN)) {
            onShutdown();
            tryTerminate();
        }
    }

    /** Hook for subclasses: called once, by the shutdown that moved the state from RUNNING. */
    void onShutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        int s;
        while ((s = runState) < STOP && !RUN_STATE.compareAndSet(this, s, STOP)) {
            Thread.onSpinWait();
        }
        if (s == RUNNING) {
            onShutdown();
        }
        List<Runnable> notStarted = new ArrayList<>();
        if (queue != null) {
            for (Job j; (j = queue.poll()) != null; ) {
                notStarted.add(j.task);
                taskEnded();
            }
        }
        onShutdownNow(notStarted);
        for (Object strand : running.strands()) {
            TaskFuture.interrupt(strand);
        }
        tryTerminate();
        return notStarted;
    }

    /** Hook for subclasses: adds tasks that will not start to {@code notStarted}. */
    void onShutdownNow(List<Runnable> notStarted) {
    }

    /**
     * As {@link java.util.concurrent.ExecutorService#close()}, but the interrupt status restored
     * at the end is the caller's strand's (a raw fiber's own status, not its carrier's).
     */
    @Override
    public void close() {
        Object self = Strand.current();
        shutdown();
        boolean interrupted = false;
        while (!isTerminated()) {
            try {
                termination.awaitSignal(-1L);
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Strand.reinterrupt(self);
        }
    }

    @Override
    public boolean isShutdown() {
        return runState != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return runState == TERMINATED;
    }

    /**
     * Waits for termination. In a raw fiber it suspends the fiber, unlike
     * {@link FiberScheduler#awaitTermination}: this executor's tasks are not the caller's carrier.
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return termination.awaitSignal(Math.max(0L, unit.toNanos(timeout)));
    }

    @Override
    public String toString() {
        String s = switch (runState) {
            case RUNNING -> "running";
            case SHUTDOWN -> "shutting down";
            case STOP -> "stopping";
            default -> "terminated";
        };
        return getClass().getSimpleName() + "@" + Integer.toHexString(hashCode()) + "[" + mode.describe()
                + (maxConcurrency != Integer.MAX_VALUE ? ", at most " + maxConcurrency + " at a time" : "")
                + ", " + s + ", tasks " + accepted.get() + "]";
    }
}
