package dev.weft.bench.idle;

import dev.weft.bench.SchedulerSpec;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits {@link IdleWakeBench}'s idle-gap case in two: how long a task handed to an idle
 * scheduler takes to start running (the wake-up of a parked carrier or worker), and how long the
 * waiting thread then takes to return from its {@code join}/{@code get} (the wake-up of the
 * waiter itself). Medians and 90th percentiles over many samples, each after a 1 ms gap, for a
 * Weft scheduler, for a two-thread {@link ForkJoinPool} and for the floor, a bare platform thread
 * parked in {@code LockSupport.park} and handed each task by a field and an {@code unpark} (one
 * wake-up of a parked thread each way, nothing else), in the same JVM, in turn.
 *
 * <p>A diagnostic, not a benchmark: its numbers are latencies of single events read with
 * {@code System.nanoTime()}, which the JMH run measures properly; it says where the time goes.
 * <pre>
 * java -cp ... dev.weft.bench.idle.WakeBreakdown [scheduler (workStealing2)] [samples (3000)]
 * </pre>
 */
public final class WakeBreakdown {
    private WakeBreakdown() {
    }

    /** The two halves of each sample, in nanoseconds. */
    private record Samples(long[] toStart, long[] toReturn) {
        String describe(String who) {
            long[] s = toStart.clone();
            long[] r = toReturn.clone();
            Arrays.sort(s);
            Arrays.sort(r);
            return String.format(Locale.ROOT,
                    "%-28s submit -> task runs: median %6.1f us, p90 %6.1f us; task -> waiter returns: median %6.1f us, p90 %6.1f us",
                    who, s[s.length / 2] / 1e3, s[s.length * 9 / 10] / 1e3, r[r.length / 2] / 1e3, r[r.length * 9 / 10] / 1e3);
        }
    }

    /**
     * Runs the probe.
     *
     * @param args the Weft scheduler ({@link SchedulerSpec} name) and the number of samples
     * @throws Exception if a task fails
     */
    public static void main(String[] args) throws Exception {
        String spec = args.length > 0 ? args[0] : "workStealing2";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        FiberScheduler weft = SchedulerSpec.open(spec);
        ForkJoinPool fjp = new ForkJoinPool(2);
        ParkedWorker bare = new ParkedWorker();
        try {
            Samples w = new Samples(new long[n], new long[n]);
            Samples f = new Samples(new long[n], new long[n]);
            Samples b = new Samples(new long[n], new long[n]);
            for (int i = 0; i < n; i++) { // interleaved, so that all see the same machine
                sample(i, w, weft, null, null);
                sample(i, f, null, fjp, null);
                sample(i, b, null, null, bare);
            }
            System.out.println(w.describe("Weft " + spec + ", join:"));
            System.out.println(f.describe("ForkJoinPool(2), get:"));
            System.out.println(b.describe("bare parked thread (floor):"));
        } finally {
            weft.close();
            fjp.shutdown();
            bare.close();
        }
    }

    /**
     * The floor of both halves: one platform thread parked in {@code LockSupport.park}, handed a
     * task through a volatile field and an {@code unpark}; the caller parks until the worker has
     * run it and unparked the caller back. A permit that arrives before the worker parks makes
     * its park return at once, and it reads the field again, so no hand-off is lost.
     */
    private static final class ParkedWorker implements AutoCloseable {
        private final Thread worker;
        /** Written by the caller after {@code waiter} and {@code done}, read by the worker: the hand-off. */
        private volatile Runnable task;
        private volatile Thread waiter;
        /** Written by the worker after the task ran, read by the caller: the task's writes are then visible. */
        private volatile boolean done;
        private volatile boolean closed;

        ParkedWorker() {
            worker = Thread.ofPlatform().daemon().name("wake-breakdown-bare-worker").start(this::loop);
        }

        private void loop() {
            while (!closed) {
                Runnable t = task;
                if (t == null) {
                    LockSupport.park(this);
                    continue;
                }
                task = null;
                t.run();
                done = true;
                LockSupport.unpark(waiter);
            }
        }

        /** Hands {@code t} to the worker and parks until it has run. Called by one thread at a time. */
        void runAndWait(Runnable t) {
            waiter = Thread.currentThread();
            done = false;
            task = t;
            LockSupport.unpark(worker);
            while (!done) {
                LockSupport.park(this);
            }
        }

        @Override
        public void close() {
            closed = true;
            LockSupport.unpark(worker);
        }
    }

    private static void sample(int i, Samples into, FiberScheduler weft, ForkJoinPool fjp, ParkedWorker bare) throws Exception {
        TimeUnit.MICROSECONDS.sleep(1000);
        long[] started = new long[1];
        Runnable task = () -> started[0] = System.nanoTime();
        long submitted = System.nanoTime();
        if (weft != null) {
            Fiber.builder().scheduler(weft).start(task).join();
        } else if (fjp != null) {
            fjp.submit(task).get();
        } else {
            bare.runAndWait(task);
        }
        long returned = System.nanoTime();
        into.toStart[i] = started[0] - submitted;
        into.toReturn[i] = returned - started[0];
    }
}
