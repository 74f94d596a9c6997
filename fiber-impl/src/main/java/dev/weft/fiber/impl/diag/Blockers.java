package dev.weft.fiber.impl.diag;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.sched.CarrierPool;

/** How diagnostics describe what a fiber waits on, and a scheduler. */
final class Blockers {
    private static final int MAX_LENGTH = 200;

    private Blockers() {
    }

    /**
     * A description of {@code blocker} (unwrapped from a {@link ParkRecord}): {@code sleep},
     * {@code join Fiber[...]}, or the object's {@code toString} (after its class's simple name when
     * it does not start with a capital, as in {@code StrandLatch[count = 1, waiting = 3]}), cut to
     * 200 characters; null for none. Never throws: a {@code toString} that fails is named instead.
     */
    static String describe(Object blocker) {
        Object b = blocker instanceof ParkRecord r ? r.blocker : blocker;
        if (b == null) {
            return null;
        }
        if (b == FiberImpl.SLEEPING) {
            return "sleep";
        }
        String s;
        try {
            s = b instanceof FiberImpl<?> f ? "join " + f : b.toString();
        } catch (Throwable e) {
            s = b.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
        if (s == null || s.isEmpty()) {
            s = b.getClass().getName();
        } else if (!Character.isUpperCase(s.charAt(0))) {
            s = b.getClass().getSimpleName() + "[" + s + "]"; // a toString that does not say what it is ("count = 1, ...")
        }
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) + "..." : s;
    }

    /**
     * {@code description} preceded by the operation the fiber is in: the method of the outermost
     * frame of the blocker's class, the one its caller called (for example
     * {@code receive on Channel#3[...]}, not the helper it waits in), if any.
     */
    static String withOperation(String description, Object blocker, StackTraceElement[] stack) {
        Object b = blocker instanceof ParkRecord r ? r.blocker : blocker;
        if (description == null || stack == null || b == null || b == FiberImpl.SLEEPING || b instanceof FiberImpl<?>) {
            return description;
        }
        String cls = b.getClass().getName();
        String op = null;
        for (StackTraceElement e : stack) {
            if (e.getClassName().equals(cls)) {
                op = e.getMethodName();
            }
        }
        return op == null ? description : op + " on " + description;
    }

    /** A scheduler's name: a Weft pool's own, else its {@code toString}. */
    static String schedulerName(FiberScheduler s) {
        if (s instanceof CarrierPool p) {
            return p.name();
        }
        try {
            return String.valueOf(s);
        } catch (Throwable e) {
            return s.getClass().getName();
        }
    }
}
