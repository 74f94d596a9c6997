package dev.weft.fiber;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The outcome of {@link Channel#trySend(Object)} or {@link Channel#tryReceive()}, which never wait:
 * success (with the item, for a receive), or why not.
 *
 * @param <T> the channel's item type
 */
public final class ChannelResult<T> {

    /** What happened. */
    public enum Status {
        /** The item was accepted by the channel (handed to a receiver or buffered). */
        SENT,
        /** An item was taken; {@link #item()} returns it. */
        RECEIVED,
        /** The channel's policy is {@link BufferOverflow#DROP_NEWEST}, its buffer was full, and the item was dropped. */
        DROPPED,
        /** No room: the buffer is full (or, for a rendezvous channel, no receiver is waiting). */
        FULL,
        /** Nothing to take: the buffer is empty (or, for a rendezvous channel, no sender is waiting). */
        EMPTY,
        /** The channel is closed for this operation; {@link #cause()} is the close cause, if any. */
        CLOSED
    }

    private static final ChannelResult<?> SENT = new ChannelResult<>(Status.SENT, null, null);
    private static final ChannelResult<?> DROPPED = new ChannelResult<>(Status.DROPPED, null, null);
    private static final ChannelResult<?> FULL = new ChannelResult<>(Status.FULL, null, null);
    private static final ChannelResult<?> EMPTY = new ChannelResult<>(Status.EMPTY, null, null);
    private static final ChannelResult<?> CLOSED = new ChannelResult<>(Status.CLOSED, null, null);

    private final Status status;
    private final T item;
    private final Throwable cause;

    private ChannelResult(Status status, T item, Throwable cause) {
        this.status = status;
        this.item = item;
        this.cause = cause;
    }

    /**
     * A successful send.
     *
     * @param <T> the item type
     * @return the shared {@link Status#SENT} result
     */
    @SuppressWarnings("unchecked")
    public static <T> ChannelResult<T> sent() {
        return (ChannelResult<T>) SENT;
    }

    /**
     * A successful receive of {@code item}.
     *
     * @param <T> the item type
     * @param item the item taken, not null
     * @return a {@link Status#RECEIVED} result carrying it
     * @throws NullPointerException if {@code item} is null
     */
    public static <T> ChannelResult<T> received(T item) {
        return new ChannelResult<>(Status.RECEIVED, Objects.requireNonNull(item, "item"), null);
    }

    /**
     * A failure or a drop, without an item.
     *
     * @param <T> the item type
     * @param status {@link Status#DROPPED}, {@link Status#FULL}, {@link Status#EMPTY} or {@link Status#CLOSED}
     * @param cause for {@code CLOSED}, the close cause or null; must be null otherwise
     * @return the result
     * @throws IllegalArgumentException for {@code SENT} or {@code RECEIVED}, or a cause with another status
     */
    @SuppressWarnings("unchecked")
    public static <T> ChannelResult<T> failed(Status status, Throwable cause) {
        Objects.requireNonNull(status, "status");
        if (cause != null && status != Status.CLOSED) {
            throw new IllegalArgumentException("only a CLOSED result carries a cause, not " + status);
        }
        return switch (status) {
            case DROPPED -> (ChannelResult<T>) DROPPED;
            case FULL -> (ChannelResult<T>) FULL;
            case EMPTY -> (ChannelResult<T>) EMPTY;
            case CLOSED -> cause == null ? (ChannelResult<T>) CLOSED : new ChannelResult<>(Status.CLOSED, null, cause);
            case SENT, RECEIVED -> throw new IllegalArgumentException(status + " is a success: use sent() or received(item)");
        };
    }

    /**
     * What happened.
     *
     * @return the status
     */
    public Status status() {
        return status;
    }

    /**
     * Whether the operation did what it was asked: {@link Status#SENT} or {@link Status#RECEIVED}.
     *
     * @return true on success
     */
    public boolean isSuccess() {
        return status == Status.SENT || status == Status.RECEIVED;
    }

    /**
     * Whether the channel was closed for this operation.
     *
     * @return true for {@link Status#CLOSED}
     */
    public boolean isClosed() {
        return status == Status.CLOSED;
    }

    /**
     * The item a successful {@link Channel#tryReceive()} took.
     *
     * @return the item, never null
     * @throws NoSuchElementException if this is not a {@link Status#RECEIVED} result (the message says what it is)
     */
    public T item() {
        if (status != Status.RECEIVED) {
            throw new NoSuchElementException("no item: the result is " + this);
        }
        return item;
    }

    /**
     * The cause the channel was closed with.
     *
     * @return the cause given to {@link Channel#close(Throwable)}, or null (not closed, or closed without one)
     */
    public Throwable cause() {
        return cause;
    }

    /**
     * Results are equal when they have the same status, equal items and equal causes, so that
     * {@code ChannelResult.received(1).equals(ch.tryReceive())} asks what it reads like.
     *
     * @param o the other object
     * @return whether {@code o} is an equal result
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelResult<?> r && status == r.status
                && Objects.equals(item, r.item) && Objects.equals(cause, r.cause);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, item, cause);
    }

    @Override
    public String toString() {
        if (status == Status.RECEIVED) {
            return "RECEIVED[" + item + "]";
        }
        return cause == null ? status.name() : "CLOSED[" + cause + "]";
    }
}
