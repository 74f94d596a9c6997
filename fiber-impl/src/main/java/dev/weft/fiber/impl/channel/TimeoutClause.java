package dev.weft.fiber.impl.channel;

import dev.weft.fiber.SelectClause;

import java.time.Duration;
import java.util.function.Supplier;

/** {@code Select.onTimeout}: chosen when its time passes first. Immutable; reusable. */
final class TimeoutClause<R> implements SelectClause<R> {
    final long nanos;
    final Supplier<? extends R> action;
    private final Duration timeout;

    TimeoutClause(Duration timeout, Supplier<? extends R> action) {
        this.timeout = timeout;
        this.nanos = WeftChannel.waitNanos(timeout);
        this.action = action;
    }

    @Override
    public String toString() {
        return "onTimeout(" + timeout + ")";
    }
}
