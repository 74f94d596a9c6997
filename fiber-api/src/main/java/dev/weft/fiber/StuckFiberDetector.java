package dev.weft.fiber;

import dev.weft.fiber.spi.DiagnosticsProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An opt-in watcher that reports fibers parked for longer than a threshold, with their stacks:
 * a fiber waiting on a channel nobody sends to, a lock nobody releases, a latch nobody counts
 * down. A fiber in a timed wait ({@link Fiber#sleep(Duration)}, a timed receive or join) is not
 * reported while its deadline is still ahead, however long that is; it is once it is overdue by
 * the threshold.
 *
 * <p>While a detector runs, every park of every fiber is timed (one clock read and one small
 * object per park); that cost ends with {@link #close()}. A fiber that was already parked when
 * the detector started is timed from the detector's first look at it. Reports are about fibers
 * of Weft's own schedulers (those that {@link FiberDump#take()} covers).
 *
 * <pre>{@code
 * try (StuckFiberDetector d = StuckFiberDetector.start(Duration.ofSeconds(30))) {
 *     ... // stuck fibers are logged to System.Logger "dev.weft.fiber.stuck"
 * }
 * }</pre>
 */
public interface StuckFiberDetector extends AutoCloseable {

    /**
     * Starts a detector that looks every {@code period} and hands each report that lists a
     * fiber to {@code listener}, on the detector's own daemon thread. A fiber stays in the
     * reports for as long as it stays parked.
     *
     * @param threshold how long a fiber must have been parked (or overdue) to be reported
     * @param period    how often to look
     * @param listener  receives the reports; what it throws is logged and does not stop the detector
     * @return the running detector
     * @throws IllegalArgumentException if {@code threshold} is negative or {@code period} is not positive
     * @throws NullPointerException if an argument is null
     */
    static StuckFiberDetector start(Duration threshold, Duration period, Consumer<Report> listener) {
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(listener, "listener");
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("threshold must not be negative: " + threshold);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        return DiagnosticsProvider.get().startStuckFiberDetector(threshold, period, listener);
    }

    /**
     * Starts a detector that looks every {@code threshold / 2} (at least every 10 ms) and logs
     * each report at {@code WARNING} through {@link System.Logger} {@code dev.weft.fiber.stuck}.
     *
     * @param threshold how long a fiber must have been parked (or overdue) to be reported
     * @return the running detector
     * @throws IllegalArgumentException if {@code threshold} is negative
     * @throws NullPointerException if {@code threshold} is null
     */
    static StuckFiberDetector start(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        Duration period = threshold.dividedBy(2);
        if (period.compareTo(Duration.ofMillis(10)) < 0) {
            period = Duration.ofMillis(10);
        }
        System.Logger log = System.getLogger("dev.weft.fiber.stuck");
        return start(threshold, period, r -> log.log(System.Logger.Level.WARNING, r.toText()));
    }

    /**
     * Looks now, on the calling thread, and returns what it found (also when it found nothing);
     * the listener is not called.
     *
     * @return the report
     * @throws IllegalStateException if the detector is closed
     */
    Report scan();

    /** Stops looking and stops timing parks (if no other detector runs). Idempotent. */
    @Override
    void close();

    /**
     * What one look found.
     *
     * @param time      when it looked
     * @param threshold the detector's threshold
     * @param stuck     the fibers parked (or overdue) longer than the threshold, with their
     *                  stacks; {@link FiberDump.FiberInfo#timeInState()} says for how long
     */
    record Report(Instant time, Duration threshold, List<FiberDump.FiberInfo> stuck) {
        /**
         * Creates a report.
         *
         * @throws NullPointerException if an argument is null
         */
        public Report {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(threshold, "threshold");
            stuck = List.copyOf(stuck);
        }

        /**
         * The report as text: one paragraph per fiber with its stack.
         *
         * @return the text
         */
        public String toText() {
            StringBuilder sb = new StringBuilder().append(stuck.size())
                    .append(stuck.size() == 1 ? " fiber" : " fibers").append(" parked longer than ")
                    .append(threshold.toMillis()).append(" ms at ").append(time).append(':');
            for (FiberDump.FiberInfo f : stuck) {
                sb.append("\n").append(f).append(" in ").append(f.scheduler());
                if (f.timeInState() != null) {
                    sb.append(", for ").append(f.timeInState().toMillis()).append(" ms");
                }
                for (StackTraceElement e : f.stack()) {
                    sb.append("\n\tat ").append(e);
                }
            }
            return sb.toString();
        }

        /** For example {@code Report[2 stuck fibers at 2026-12-02T14:00:00Z]}. */
        @Override
        public String toString() {
            return "Report[" + stuck.size() + " stuck fibers at " + time + "]";
        }
    }
}
