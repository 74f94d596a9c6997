package dev.weft.fiber.impl.core;

import dev.weft.fiber.FiberScheduler;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records suspensions that could not unmount their fiber: parks that blocked the carrier instead
 * (a native frame, a critical section, or a monitor held by the fiber) and yields that carried on
 * for the same reasons. A counter (global and per scheduler, {@code SchedulerStats.pinnedParks})
 * and a warning with the fiber's stack, logged at most once per call site (the first frame
 * outside the park machinery), through {@link System.Logger} under the name
 * {@code dev.weft.fiber.pinning}.
 */
public final class PinnedParks {
    private static final System.Logger LOG = System.getLogger("dev.weft.fiber.pinning");
    private static final int MAX_SITES = 1024;
    private static final LongAdder TOTAL = new LongAdder();
    private static final Set<String> LOGGED_SITES = ConcurrentHashMap.newKeySet();
    /** Keys given by callers for sites already logged; bounded with {@link #LOGGED_SITES}. */
    private static final Set<Object> LOGGED_KEYS = ConcurrentHashMap.newKeySet();

    private PinnedParks() {
    }

    /** Pinned parks in this JVM since it started, on every scheduler. */
    public static long total() {
        return TOTAL.sum();
    }

    /**
     * @param reason why the fiber could not unmount
     * @param park   true for a park (the carrier blocked), false for a yield (the fiber carried on)
     * @param key    identifies the site when the caller knows it cheaply (the frame holding a
     *               monitor), so that a site already logged costs no stack trace; null: the first
     *               frame outside the park machinery, which needs one
     */
    static void record(FiberImpl<?> fiber, FiberScheduler scheduler, String reason, boolean park, Object key) {
        TOTAL.increment();
        try {
            scheduler.fiberPinned(fiber.task(), park);
        } catch (Throwable e) {
            // a third-party scheduler's hook must not break the park; it is counted here anyway
        }
        if (key != null && LOGGED_KEYS.contains(key) || LOGGED_SITES.size() >= MAX_SITES) {
            return;
        }
        StackTraceElement[] stack = new Throwable().getStackTrace();
        String site = callSite(stack);
        if (key != null) {
            LOGGED_KEYS.add(key);
        }
        if (LOGGED_SITES.add(site + (park ? "" : " (yield)"))) {
            StringBuilder sb = new StringBuilder()
                    .append(fiber).append(" could not unmount (").append(reason)
                    .append(park ? ") and blocked its carrier thread while parked at " : ") and carried on instead of yielding at ")
                    .append(site)
                    .append("; further pinned parks at this site are counted, not logged. Stack:");
            for (StackTraceElement e : stack) {
                sb.append("\n\tat ").append(e);
            }
            LOG.log(Level.WARNING, sb.toString());
        }
    }

    private static String callSite(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!c.startsWith("dev.weft.fiber.impl.core.") && !c.startsWith("jdk.internal.vm.")
                    && !c.equals("dev.weft.fiber.Fiber")
                    && !c.startsWith("dev.weft.fiber.impl.WeftFiberProvider")) {
                return e.toString();
            }
        }
        return stack.length > 0 ? stack[stack.length - 1].toString() : "unknown";
    }
}
