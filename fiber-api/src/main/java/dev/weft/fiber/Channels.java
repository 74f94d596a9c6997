package dev.weft.fiber;

import dev.weft.fiber.spi.ChannelProvider;

import java.util.Objects;

/**
 * Factories for {@link Channel}s. {@code docs/channels.md} shows each kind and how to choose a
 * capacity.
 *
 * <ul>
 *   <li>{@link #rendezvous()}: no buffer; a send waits until a receiver takes the item.</li>
 *   <li>{@link #buffered(int)}: up to {@code capacity} items wait in the channel; a send waits
 *       only when it is full (or drops, with another {@link BufferOverflow} policy).</li>
 *   <li>{@link #unbounded()}: a send never waits; the buffer grows as needed.</li>
 *   <li>{@link #conflated()}: keeps only the latest item; a send never waits.</li>
 * </ul>
 */
public final class Channels {
    private Channels() {
    }

    /**
     * A channel without a buffer: each send waits for a receiver and hands the item over directly.
     *
     * @param <T> the item type
     * @return a new rendezvous channel
     */
    public static <T> Channel<T> rendezvous() {
        return ChannelProvider.get().newChannel(0, BufferOverflow.SUSPEND);
    }

    /**
     * A channel that buffers up to {@code capacity} items; a send waits while the buffer is full.
     * {@code buffered(0)} is a {@linkplain #rendezvous() rendezvous} channel.
     *
     * @param <T> the item type
     * @param capacity how many items may wait in the channel, at least 0
     * @return a new channel
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Channel<T> buffered(int capacity) {
        return buffered(capacity, BufferOverflow.SUSPEND);
    }

    /**
     * A channel that buffers up to {@code capacity} items, with {@code overflow} deciding what a
     * send does when the buffer is full.
     *
     * @param <T> the item type
     * @param capacity how many items may wait in the channel: at least 1, or 0 with
     *        {@link BufferOverflow#SUSPEND} (a rendezvous channel)
     * @param overflow what a send does when the buffer is full
     * @return a new channel
     * @throws IllegalArgumentException if {@code capacity} is negative, or 0 with a dropping policy
     *         (there is no buffer to drop from)
     * @throws NullPointerException if {@code overflow} is null
     */
    public static <T> Channel<T> buffered(int capacity, BufferOverflow overflow) {
        Objects.requireNonNull(overflow, "overflow");
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity must be at least 0, not " + capacity);
        }
        if (capacity == 0 && overflow != BufferOverflow.SUSPEND) {
            throw new IllegalArgumentException("a channel with overflow policy " + overflow
                    + " needs a capacity of at least 1 (capacity 0 has no buffer to drop from)");
        }
        return ChannelProvider.get().newChannel(capacity, overflow);
    }

    /**
     * A channel whose buffer grows as needed: a send never waits (it may run out of memory).
     *
     * @param <T> the item type
     * @return a new unbounded channel
     */
    public static <T> Channel<T> unbounded() {
        return ChannelProvider.get().newChannel(Integer.MAX_VALUE, BufferOverflow.SUSPEND);
    }

    /**
     * A channel that keeps only the latest item: a send never waits and replaces an item not yet
     * received. The same as {@code buffered(1, BufferOverflow.DROP_OLDEST)}.
     *
     * @param <T> the item type
     * @return a new conflated channel
     */
    public static <T> Channel<T> conflated() {
        return ChannelProvider.get().newChannel(1, BufferOverflow.DROP_OLDEST);
    }
}
