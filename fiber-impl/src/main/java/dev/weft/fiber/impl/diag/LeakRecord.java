package dev.weft.fiber.impl.diag;

import dev.weft.fiber.FiberDump;
import dev.weft.fiber.impl.core.FiberImpl;

/**
 * What leak-tracking mode ({@code -Dweft.diag.trackLeaks=true}) keeps of a fiber so that it can
 * be reported after the garbage collector has taken it: the pool's weak registry holds this
 * strongly beside its weak reference to the fiber ({@code sched.WeakLiveTasks}).
 *
 * <p><b>It must not reach the fiber</b>, or the fiber would never become unreachable: so no
 * blocker is kept (a channel's waiter queue holds the fiber), only the blocker's class as the
 * fiber last parked ({@link #parkedOn}, written by {@link ParkObserver} on the fiber's own stack,
 * a plain reference store: no description is built, no {@code toString} called, at every park),
 * and what a stuck-fiber detector last saw of it ({@link #lastSeen}: a {@link FiberDump.FiberInfo},
 * strings and stack frames only, with the blocker's description and the stack), when one runs
 * and found the fiber parked past its threshold. The last park's blocker class is kept even
 * after the fiber wakes (the field is not cleared at resume), so it may be an older park's: the
 * report says "last parked on".
 *
 * <p>Per tracked fiber this is a 40-byte object, plus the name of a named fiber (shared with
 * the fiber) or the {@code fiber-<id>} string of an unnamed one.
 */
final class LeakRecord {
    private static final System.Logger LOG = System.getLogger("dev.weft.fiber.leak");

    final long id;
    final String name;
    final String scheduler;
    /** The class of the blocker of the fiber's latest park with one; racy, written by the fiber. */
    volatile Class<?> parkedOn;
    /** What a stuck-fiber detector last reported of the fiber, or null. */
    volatile FiberDump.FiberInfo lastSeen;

    private LeakRecord(long id, String name, String scheduler) {
        this.id = id;
        this.name = name;
        this.scheduler = scheduler;
    }

    /** At registration, on the thread that starts {@code fiber}: assigns its id now (it is needed after). */
    static LeakRecord of(FiberImpl<?> fiber, String scheduler) {
        return new LeakRecord(fiber.id(), fiber.name(), scheduler);
    }

    /** Notes the blocker of a park of the fiber; on its own stack, so it must not throw. */
    void parking(Object blocker) {
        if (blocker != null) {
            Class<?> c = blocker instanceof ParkRecord r && r.blocker != null ? r.blocker.getClass() : blocker.getClass();
            if (parkedOn != c) {
                parkedOn = c;
            }
        }
    }

    /**
     * The report, for example
     * {@code Fiber[#12,worker] of work-stealing-3 became unreachable while parked (last parked on
     * dev.weft.fiber.impl.channel.RendezvousChannel): nothing can wake it, ...}, followed by what a
     * stuck-fiber detector last saw of it, with its stack, if one did.
     */
    String toText() {
        StringBuilder sb = new StringBuilder("Fiber[#").append(id).append(',').append(name).append("] of ")
                .append(scheduler).append(" became unreachable while parked");
        Class<?> c = parkedOn;
        if (c == FiberImpl.SLEEPING.getClass()) {
            sb.append(" (last parked in sleep)");
        } else if (c == FiberImpl.class) {
            sb.append(" (last parked joining a fiber)");
        } else if (c != null) {
            sb.append(" (last parked on ").append(c.getName()).append(')');
        }
        sb.append(": nothing can wake it, so it can never run again, and its finally blocks will not run"
                + " (it was garbage-collected; nothing referenced it or what it waited on)");
        FiberDump.FiberInfo seen = lastSeen;
        if (seen != null) {
            sb.append("\nLast seen by the stuck-fiber detector");
            if (seen.timeInState() != null) {
                sb.append(", parked for ").append(seen.timeInState().toMillis()).append(" ms");
            }
            if (seen.blocker() != null) {
                sb.append(", ").append(seen.blocker());
            }
            sb.append(':');
            for (StackTraceElement e : seen.stack()) {
                sb.append("\n\tat ").append(e);
            }
        }
        return sb.toString();
    }

    /** Logs the report at {@code WARNING} through {@code System.Logger} {@code dev.weft.fiber.leak}. */
    void log() {
        LOG.log(System.Logger.Level.WARNING, toText());
    }
}
