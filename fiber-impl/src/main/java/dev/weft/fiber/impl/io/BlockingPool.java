package dev.weft.fiber.impl.io;

import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool on which {@code FiberFiles} runs blocking calls for fibers and virtual threads.
 *
 * <h2>Implementation overview</h2>
 * A {@link ThreadPoolExecutor} of at most {@code weft.io.blockingThreads} daemon platform threads
 * (default {@value #DEFAULT_THREADS_PER_CORE} per core, at least {@value #MIN_THREADS}: file calls
 * are short but may stall on a slow disk, and each stalled call holds a thread), idle ones ending
 * after {@value #KEEP_ALIVE_SECONDS} s, with an unbounded queue: calls beyond the bound wait in
 * the queue, their fibers parked, never blocking a carrier. A plain platform thread runs its call
 * in place (blocking is what it would do anyway, and a hand-off would only add latency).
 *
 * <p>The caller parks ({@link Strand#park}) until its {@link Job} is done. The job's state:
 * <pre>
 *   NEW          -> RUNNING       a pool thread starts it (CAS)
 *   NEW          -> ABANDONED     the caller was cancelled or interrupted first (CAS): it never runs
 *   RUNNING      -> INTERRUPTING  the caller, cancelled or interrupted, interrupts the pool thread (CAS)
 *   INTERRUPTING -> RUNNING       the caller, right after Thread.interrupt()
 *   RUNNING      -> DONE          the pool thread, once the call returned or threw (CAS, spinning over INTERRUPTING)
 * </pre>
 * As in {@code FiberImpl}'s carrier-interrupt protocol, the interrupt of the pool thread happens
 * only while the state is INTERRUPTING, and the pool thread ends the job only by a CAS from
 * RUNNING, then clears its own interrupt status: so an interrupt aimed at this job lands before the
 * job ends and never reaches the next job on that thread. The result fields are written before
 * the CAS to DONE (volatile) and read after the caller sees DONE.
 *
 * <p>A cancelled or interrupted caller waits for a running job to end (ignoring further cancels,
 * with its interrupt status cleared meanwhile and set again afterwards), so that nothing runs on
 * its behalf once it has left.
 */
final class BlockingPool {
    static final int DEFAULT_THREADS_PER_CORE = 4;
    static final int MIN_THREADS = 8;
    static final int KEEP_ALIVE_SECONDS = 10;

    private static final class Holder {
        static final ThreadPoolExecutor POOL = newPool();
    }

    private BlockingPool() {
    }

    private static ThreadPoolExecutor newPool() {
        int threads = threads();
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().name("weft-io-blocking-" + ids.incrementAndGet()).daemon(true).unstarted(r));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static int threads() {
        String value = System.getProperty("weft.io.blockingThreads");
        if (value == null) {
            return Math.max(MIN_THREADS, DEFAULT_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors());
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("Weft: the system property weft.io.blockingThreads must be a positive number, got '" + value + "'");
    }

    /** Runs {@code call}: in place on a platform thread, on the pool for a fiber or virtual thread. */
    static <T> T call(IoProvider.BlockingCall<T> call) throws IOException {
        Object self = Strand.current();
        if (self instanceof Thread t && !t.isVirtual()) {
            return call.call();
        }
        if (PolledChannel.isInterrupted(self)) {
            throw new ClosedByInterruptException(); // as an interruptible channel would, before doing anything
        }
        Job<T> job = new Job<>(call, self);
        OutOfLineCalls.execute(Holder.POOL, job); // the queue's lock: see OutOfLineCalls
        return job.await();
    }

    /** One call on the pool, awaited by one strand. */
    private static final class Job<T> implements Runnable {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int INTERRUPTING = 2;
        private static final int DONE = 3;
        private static final int ABANDONED = 4;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Job.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final IoProvider.BlockingCall<T> call;
        private final Object waiter;
        private volatile int state;
        private Thread runner;   // written before the CAS NEW -> RUNNING, read after seeing RUNNING
        private T result;        // written before the CAS RUNNING -> DONE, read after seeing DONE
        private Throwable failure;

        Job(IoProvider.BlockingCall<T> call, Object waiter) {
            this.call = call;
            this.waiter = waiter;
        }

        @Override
        public void run() {
            runner = Thread.currentThread();
            if (!STATE.compareAndSet(this, NEW, RUNNING)) {
                return; // abandoned while queued
            }
            try {
                result = call.call();
            } catch (Throwable t) {
                failure = t;
            }
            while (!STATE.compareAndSet(this, RUNNING, DONE)) {
                Thread.onSpinWait(); // the caller is between its CAS to INTERRUPTING and back
            }
            Thread.interrupted(); // an interrupt aimed at this job must not reach the next one
            Strand.unpark(waiter);
        }

        /** The caller: true if the job had not started and now never will. */
        private boolean abandon() {
            return STATE.compareAndSet(this, NEW, ABANDONED);
        }

        /** The caller: interrupts the pool thread if the job is still running. */
        private void interruptRunner() {
            if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                try {
                    runner.interrupt();
                } finally {
                    state = RUNNING;
                }
            }
        }

        T await() throws IOException {
            Object self = waiter;
            FiberCancelledException cancelled = null;
            boolean interruptCleared = false;
            boolean runnerInterrupted = false;
            while (state != DONE) {
                if (cancelled == null) {
                    try {
                        Strand.park(self, 0L, this);
                    } catch (FiberCancelledException e) {
                        cancelled = e;
                    }
                } else {
                    Strand.parkIgnoringCancel(self, 0L, this);
                }
                if (state == DONE) {
                    break;
                }
                boolean interrupted = PolledChannel.isInterrupted(self);
                if (cancelled != null || interrupted) {
                    if (abandon()) {
                        if (cancelled != null) {
                            throw cancelled;
                        }
                        throw new ClosedByInterruptException(); // never started; the status stays set
                    }
                    if (interrupted) {
                        Strand.interrupted(self); // else every park returns at once; set again below
                        interruptCleared = true;
                    }
                    if (!runnerInterrupted) {
                        runnerInterrupted = true;
                        interruptRunner();
                    }
                }
            }
            if (interruptCleared) {
                Strand.reinterrupt(self);
            }
            if (cancelled != null) {
                throw cancelled;
            }
            Throwable f = failure;
            if (f == null) {
                return result;
            }
            if (f instanceof IOException e) {
                throw e;
            }
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IOException(f); // a checked exception thrown sneakily by the call
        }
    }
}
