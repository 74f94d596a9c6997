package dev.weft.fiber.impl.sync;

import dev.weft.fiber.impl.core.Strand;

/**
 * A strand waiting on a synchronizer: a node of a {@link WaitList}.
 *
 * <p>The links are plain fields guarded by the owning synchronizer's {@link SpinLock}. The
 * {@link #status} is volatile because the waiter reads it without the lock, in its park loop; it
 * is written only under the lock, so a waiter that takes the lock and sees {@link #WAITING} or
 * {@link #CONDITION} knows nobody can grant it concurrently:
 * <pre>
 *   CONDITION -> WAITING   a signal, or the waiter's own time-out/interrupt/cancel, moves it to the lock's list
 *   WAITING   -> GRANTED   a release gave it what it waited for (lock ownership, permits, count zero);
 *                          it has been taken off the list by the granter
 *   WAITING   -> REMOVED   it left the list itself (acquired by barging, timed out, interrupted, cancelled)
 * </pre>
 */
final class Waiter {
    static final int WAITING = 0;
    static final int CONDITION = 1;
    static final int GRANTED = 2;
    static final int REMOVED = 3;

    /** The fiber or thread to unpark, from {@code Strand.current()}. */
    final Object strand;

    /** Semaphore waiters: the permits asked for. */
    final int permits;

    /** Written under the synchronizer's spin lock only; read anywhere. */
    volatile int status;

    /** Links of the list this waiter is on; guarded by the spin lock. */
    Waiter prev;
    Waiter next;

    /**
     * Links granted waiters, off every list, into a chain that the granter unparks after it has
     * let go of the spin lock (nobody unparks under it). Written and read by that granter only.
     */
    Waiter nextToWake;

    Waiter(Object strand, int permits, int status) {
        this.strand = strand;
        this.permits = permits;
        this.status = status;
    }

    /**
     * The deadline {@code nanos} from now on the clock of {@code self} ({@link Strand#nanoTime}),
     * for a timed wait of a synchronizer: never 0, which their loops take for "untimed", and far enough from overflow
     * for {@code deadline - now} to stay exact.
     */
    static long deadlineAfter(Object self, long nanos) {
        long d = Strand.nanoTime(self) + Math.min(nanos, Long.MAX_VALUE >>> 2);
        return d == 0L ? 1L : d;
    }

    /** Sets the interrupt status of {@code self} again if an interrupt came during a wait that succeeded. */
    static void restoreIf(Object self, boolean interrupted) {
        if (interrupted) {
            Strand.reinterrupt(self);
        }
    }
}
