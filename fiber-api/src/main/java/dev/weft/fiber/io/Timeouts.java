package dev.weft.fiber.io;

import java.time.Duration;
import java.util.Objects;

/** Checks time-outs given to the I/O classes and turns them into the provider's nanoseconds. */
final class Timeouts {
    private Timeouts() {
    }

    /**
     * Checks a time-out: not null, not negative.
     *
     * @return {@code timeout} itself
     */
    static Duration check(Duration timeout, String what) {
        Objects.requireNonNull(timeout, what);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative (Duration.ZERO: no time-out), got " + timeout);
        }
        return timeout;
    }

    /** Nanoseconds of a checked time-out, saturated at {@code Long.MAX_VALUE}; 0 stays 0 (no limit). */
    static long nanos(Duration timeout) {
        if (timeout.isZero()) {
            return 0L;
        }
        try {
            return Math.max(1L, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
