package dev.weft.fiber.impl.sched;

import java.util.concurrent.TimeUnit;

/**
 * How long a {@link CarrierPool}'s watchdog sleeps between two looks at its carriers while some
 * carrier is active: the shortest interval while a look finds something to watch, doubling up to
 * the longest one while looks find the carriers making progress. Go's sysmon backs off the same
 * way (20 us doubling to 10 ms once it has found nothing to do for a while).
 *
 * <h2>The policy</h2>
 * A look is <em>watchful</em> when it found some carrier still in the task it was in at the
 * previous look (a candidate for being blocked), a carrier marked blocked, or the pool short of
 * unblocked carriers; otherwise it is <em>calm</em> (every active carrier switched tasks since
 * the previous look). A watchful look resets the interval to {@link #MIN_INTERVAL_NANOS}; after
 * {@link #CALM_LOOKS_PER_DOUBLING} calm looks in a row the interval doubles, up to
 * {@link #MAX_INTERVAL_NANOS}. A watchdog that parked because every carrier was parked starts
 * again at the shortest interval ({@link #reset()}).
 *
 * <h2>What it costs in detection</h2>
 * The watchdog marks a carrier blocked at the {@code stuckTicks}-th look after the first one that
 * saw it in its task. With the interval backed off to the longest, the first look comes up to
 * one longest interval after the carrier blocked, the second one longest interval later (that
 * interval began before anything was watchful), and the remaining looks at the shortest interval:
 * {@link #worstCaseDetectionNanos}. With the defaults (1 ms, 3 ms, {@code STUCK_TICKS} 2) that is
 * 7 ms, against 3 ms with a fixed 1 ms tick; in exchange a busy pool whose tasks keep switching
 * wakes its watchdog a third as often. {@code WatchdogBackoffTest} pins the policy;
 * {@code BlockedCarrierDetectedAfterBackoffTest} that a carrier blocking after a long calm period
 * is still compensated.
 *
 * <p>Used by the watchdog thread only (one writer), its interval read racily for tests.
 */
final class WatchdogBackoff {
    /**
     * The shortest interval, the watchdog's tick while something needs watching:
     * {@code weft.watchdog.minIntervalMicros}, default 1,000 (1 ms, the fixed tick of earlier releases).
     */
    static final long MIN_INTERVAL_NANOS = TimeUnit.MICROSECONDS.toNanos(
            positive("weft.watchdog.minIntervalMicros", 1_000L));
    /**
     * The longest interval, reached while the carriers make progress: {@code weft.watchdog.maxIntervalMillis},
     * default 3 ms (see the class comment for what it costs in detection). Never below the shortest.
     */
    static final long MAX_INTERVAL_NANOS = Math.max(MIN_INTERVAL_NANOS,
            TimeUnit.MILLISECONDS.toNanos(positive("weft.watchdog.maxIntervalMillis", 3L)));
    /** Calm looks in a row after which the interval doubles. */
    static final int CALM_LOOKS_PER_DOUBLING = 8;

    private final long min;
    private final long max;
    /** Written by the watchdog only; read racily by {@link Watchdog#intervalNanos} (a long: volatile, so that read is never torn). */
    private volatile long interval;
    private int calmLooks;

    WatchdogBackoff() {
        this(MIN_INTERVAL_NANOS, MAX_INTERVAL_NANOS);
    }

    /** A policy with the given bounds (tests). */
    WatchdogBackoff(long minNanos, long maxNanos) {
        if (minNanos <= 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("need 0 < min <= max, got min " + minNanos + " ns, max " + maxNanos + " ns");
        }
        this.min = minNanos;
        this.max = maxNanos;
        this.interval = minNanos;
    }

    /** How long to sleep before the next look. */
    long intervalNanos() {
        return interval;
    }

    /** Records one look at the carriers: {@code watchful} if it found something to watch (see the class comment). */
    void afterLook(boolean watchful) {
        if (watchful) {
            interval = min;
            calmLooks = 0;
        } else if (interval < max && ++calmLooks >= CALM_LOOKS_PER_DOUBLING) {
            interval = Math.min(max, interval * 2);
            calmLooks = 0;
        }
    }

    /** Starts again from the shortest interval (the watchdog was parked: the carriers had all gone idle). */
    void reset() {
        interval = min;
        calmLooks = 0;
    }

    /**
     * The longest time from a carrier blocking to the look that marks it, when the watchdog marks
     * at the {@code stuckTicks}-th consecutive look that finds it in the same task (see the class comment).
     */
    long worstCaseDetectionNanos(int stuckTicks) {
        return 2 * max + (long) Math.max(0, stuckTicks - 1) * min;
    }

    private static long positive(String property, long defaultValue) {
        String value = System.getProperty(property);
        if (value == null) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("Weft: the system property " + property + " must be a positive number, got '" + value + "'");
    }

    @Override
    public String toString() {
        return "WatchdogBackoff[interval " + interval + " ns, " + min + ".." + max + " ns]";
    }
}
