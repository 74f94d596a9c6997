package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.SelectClause;
import dev.weft.fiber.spi.ChannelProvider;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Weft's {@link ChannelProvider}, registered in {@code META-INF/services}: every channel kind is a
 * {@link WeftChannel}, and selects are run by {@link ChannelSelect}.
 */
public final class WeftChannelProvider implements ChannelProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public WeftChannelProvider() {
    }

    @Override
    public <T> Channel<T> newChannel(int capacity, BufferOverflow overflow) {
        return new WeftChannel<>(capacity, overflow);
    }

    @Override
    public <R> R select(List<? extends SelectClause<? extends R>> clauses, boolean ordered) throws InterruptedException {
        return ChannelSelect.select(clauses, ordered);
    }

    @Override
    public <R> SelectClause<R> timeoutClause(Duration timeout, Supplier<? extends R> action) {
        return new TimeoutClause<>(timeout, action);
    }

    @Override
    public <R> SelectClause<R> defaultClause(Supplier<? extends R> action) {
        return new DefaultClause<>(action);
    }
}
