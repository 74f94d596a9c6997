package dev.weft.fiber.impl.channel;

import dev.weft.fiber.SelectClause;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A select clause that operates on a channel: {@link Receive} or {@link Send}. Immutable, so one
 * clause may serve any number of selects, one after another or at once: the per-select state
 * (the {@link Waiter} node) is made by each select.
 *
 * @param <T> the channel's item type
 * @param <R> the action's result type
 */
abstract sealed class ChannelClause<T, R> implements SelectClause<R> {
    final WeftChannel<T> channel;

    private ChannelClause(WeftChannel<T> channel) {
        this.channel = channel;
    }

    /** Whether this clause receives (else it sends). */
    abstract boolean isReceive();

    /** The item a send offers; null for a receive. */
    abstract Object offered();

    /**
     * Tries the operation now, with the channel's lock held by the caller.
     *
     * @return null if it cannot complete without waiting; otherwise the outcome for
     *         {@link #complete}: the item received, {@link WeftChannel#SENT}, or {@link WeftChannel#CLOSED}
     */
    abstract Object tryLocked();

    /**
     * Runs in the selecting strand after this clause was chosen, without any lock.
     *
     * @param outcome from {@link #tryLocked} or from the winning node
     * @return the action's result
     * @throws dev.weft.fiber.ChannelClosedException if the outcome is that the channel is closed
     */
    abstract R complete(Object outcome);

    /** The outcome carried by this clause's winning node. */
    final Object outcomeOf(Waiter won) {
        if (won.closed) {
            return WeftChannel.CLOSED;
        }
        return isReceive() ? won.item : WeftChannel.SENT;
    }

    static final class Receive<T, R> extends ChannelClause<T, R> {
        private final Function<? super T, ? extends R> action;

        Receive(WeftChannel<T> channel, Function<? super T, ? extends R> action) {
            super(channel);
            this.action = action;
        }

        @Override
        boolean isReceive() {
            return true;
        }

        @Override
        Object offered() {
            return null;
        }

        @Override
        Object tryLocked() {
            Object r = channel.pollLocked();
            return r == WeftChannel.EMPTY ? null : r;
        }

        @Override
        R complete(Object outcome) {
            if (outcome == WeftChannel.CLOSED) {
                throw channel.closedForReceive();
            }
            return action.apply(WeftChannel.cast(outcome));
        }

        @Override
        public String toString() {
            return "onReceive(" + channel + ")";
        }
    }

    static final class Send<T, R> extends ChannelClause<T, R> {
        private final T item;
        private final Supplier<? extends R> action;

        Send(WeftChannel<T> channel, T item, Supplier<? extends R> action) {
            super(channel);
            this.item = item;
            this.action = action;
        }

        @Override
        boolean isReceive() {
            return false;
        }

        @Override
        Object offered() {
            return item;
        }

        @Override
        Object tryLocked() {
            Object r = channel.offerLocked(item);
            if (r == WeftChannel.FULL) {
                return null;
            }
            return r == WeftChannel.CLOSED ? r : WeftChannel.SENT; // DROPPED counts as done: that send never waits
        }

        @Override
        R complete(Object outcome) {
            if (outcome == WeftChannel.CLOSED) {
                throw channel.closedForSend();
            }
            return action.get();
        }

        @Override
        public String toString() {
            return "onSend(" + item + ", " + channel + ")";
        }
    }
}
