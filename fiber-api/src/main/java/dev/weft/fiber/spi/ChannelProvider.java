package dev.weft.fiber.spi;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.SelectClause;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The implementation of {@link dev.weft.fiber.Channels} and {@link dev.weft.fiber.Select}, found
 * through {@link java.util.ServiceLoader}. Not for application code.
 */
public interface ChannelProvider {

    /**
     * Backs the {@link dev.weft.fiber.Channels} factories, which have checked the arguments.
     *
     * @param <T> the item type
     * @param capacity 0 (rendezvous), 1 to {@code Integer.MAX_VALUE - 1} (buffered), or
     *        {@code Integer.MAX_VALUE} (unbounded)
     * @param overflow the policy when the buffer is full
     * @return a new channel
     */
    <T> Channel<T> newChannel(int capacity, BufferOverflow overflow);

    /**
     * Backs {@link dev.weft.fiber.Select#select} and {@link dev.weft.fiber.Select#selectOrdered}.
     *
     * @param <R> the result type
     * @param clauses the clauses, an unmodifiable list without nulls
     * @param ordered whether the first ready clause wins (otherwise a random ready one)
     * @return the result of the chosen clause
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    <R> R select(List<? extends SelectClause<? extends R>> clauses, boolean ordered) throws InterruptedException;

    /**
     * Backs {@link dev.weft.fiber.Select#onTimeout}.
     *
     * @param <R> the result type
     * @param timeout the time-out, not null
     * @param action the action, not null
     * @return the clause
     */
    <R> SelectClause<R> timeoutClause(Duration timeout, Supplier<? extends R> action);

    /**
     * Backs {@link dev.weft.fiber.Select#onDefault}.
     *
     * @param <R> the result type
     * @param action the action, not null
     * @return the clause
     */
    <R> SelectClause<R> defaultClause(Supplier<? extends R> action);

    /**
     * The implementation on the class path.
     *
     * @return the provider, loaded once
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static ChannelProvider get() {
        return ProviderLoader.CHANNELS.provider();
    }
}
