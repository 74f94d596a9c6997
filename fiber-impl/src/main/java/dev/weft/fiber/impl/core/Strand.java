package dev.weft.fiber.impl.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The one waiting primitive of Weft's channels and synchronizers: a <em>strand</em> is the fiber
 * running the caller or, outside a fiber, the calling thread. A waiter records
 * {@link #current()} in its node, {@link #park parks} until its condition holds, and whoever
 * makes the condition true {@link #unpark unparks} the recorded strand. Permit semantics come from
 * the layer below ({@link FiberImpl} for fibers, {@link LockSupport} for threads): an unpark that
 * comes before the park is not lost, and a park may return spuriously, so every waiter re-checks
 * its condition in a loop.
 *
 * <p>A fiber's identity is its {@link FiberImpl}, never its carrier thread: a waiter that resumes
 * on another carrier is still the same strand. A thread's identity is its {@code Thread}, taken
 * only outside fibers, where {@code Thread.currentThread()} cannot go stale.
 */
public final class Strand {
    private Strand() {
    }

    /**
     * The strand running the caller.
     *
     * @return the current {@link FiberImpl}, or the calling thread outside a fiber
     */
    public static Object current() {
        FiberImpl<?> f = FiberImpl.current();
        return f != null ? f : Thread.currentThread();
    }

    /**
     * Parks the calling strand, which must be {@code self}, until unparked, interrupted, or
     * {@code nanos} have passed. A fiber suspends (it is not pinned unless it holds a monitor).
     *
     * @param self the caller's own strand, from {@link #current()}
     * @param nanos the longest wait; 0 or negative: no limit
     * @param blocker the object recorded as what the strand is parked on (thread and fiber dumps)
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled
     */
    public static void park(Object self, long nanos, Object blocker) {
        if (self instanceof FiberImpl<?>) {
            FiberImpl.parkCurrent(Math.max(0L, nanos), blocker);
        } else if (nanos > 0) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            LockSupport.park(blocker);
        }
    }

    /**
     * As {@link #park}, but a cancel of the calling fiber neither ends the park nor makes it throw
     * {@link dev.weft.fiber.FiberCancelledException}. Only for a wait that must finish in a
     * cancelled fiber before the exception may leave (a {@code Condition.await} reacquiring its
     * lock); the caller loops on its own condition and rethrows the cancel afterwards.
     *
     * @param self the caller's own strand, from {@link #current()}
     * @param nanos the longest wait; 0 or negative: no limit
     * @param blocker the object recorded as what the strand is parked on (thread and fiber dumps)
     */
    public static void parkIgnoringCancel(Object self, long nanos, Object blocker) {
        if (self instanceof FiberImpl<?>) {
            FiberImpl.parkCurrentIgnoringCancel(Math.max(0L, nanos), blocker);
        } else {
            park(self, nanos, blocker);
        }
    }

    /**
     * Makes the permit of {@code strand} available, waking it if it is parked. Callable from anywhere.
     *
     * @param strand a strand from {@link #current()}
     */
    public static void unpark(Object strand) {
        if (strand instanceof FiberImpl<?> f) {
            f.unpark();
        } else {
            LockSupport.unpark((Thread) strand);
        }
    }

    /**
     * Tests and clears the interrupt status of the calling strand, which must be {@code self}.
     *
     * @param self the caller's own strand
     * @return whether it was interrupted
     */
    public static boolean interrupted(Object self) {
        return self instanceof FiberImpl<?> ? FiberImpl.interruptedCurrent() : Thread.interrupted();
    }

    /**
     * Sets the interrupt status of the calling strand again (after an operation that completed
     * although an interrupt arrived while it waited).
     *
     * @param self the caller's own strand
     */
    public static void reinterrupt(Object self) {
        if (self instanceof FiberImpl<?> f) {
            f.interrupt();
        } else {
            ((Thread) self).interrupt();
        }
    }

    /**
     * The clock of {@code self}, for deadlines of its timed waits: its scheduler's
     * {@link dev.weft.fiber.FiberScheduler#nanoTime()} for a fiber (a deterministic scheduler
     * may run a virtual clock), {@link System#nanoTime()} for a thread. A deadline taken with one
     * strand's clock must be compared with the same strand's clock.
     */
    public static long nanoTime(Object self) {
        return self instanceof FiberImpl<?> f ? f.scheduler().nanoTime() : System.nanoTime();
    }

    /**
     * The random source for choices made on behalf of {@code self}: its scheduler's
     * {@link dev.weft.fiber.FiberScheduler#random()} for a fiber (seeded under a deterministic
     * scheduler), the thread's {@link java.util.concurrent.ThreadLocalRandom} for a thread.
     */
    public static java.util.random.RandomGenerator random(Object self) {
        return self instanceof FiberImpl<?> f ? f.scheduler().random() : java.util.concurrent.ThreadLocalRandom.current();
    }

    /**
     * A short name for diagnostics ({@code toString} of synchronizers).
     *
     * @param strand a strand, or null
     * @return its name, or "none"
     */
    public static String describe(Object strand) {
        if (strand == null) {
            return "none";
        }
        return strand instanceof FiberImpl<?> f ? f.toString() : "thread " + ((Thread) strand).getName();
    }
}
