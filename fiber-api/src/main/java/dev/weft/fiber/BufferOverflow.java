package dev.weft.fiber;

/**
 * What a {@linkplain Channels#buffered(int, BufferOverflow) buffered channel} does with a send
 * when its buffer is full.
 */
public enum BufferOverflow {
    /** The sender waits for room (a fiber suspends, a thread blocks). The default. */
    SUSPEND,
    /**
     * The oldest buffered item is dropped to make room, and the new one is accepted: a sender never
     * waits. {@link Channels#conflated()} is a buffer of one with this policy.
     */
    DROP_OLDEST,
    /**
     * The new item is dropped and the buffer left as it is: a sender never waits.
     * {@link Channel#trySend(Object)} says {@link ChannelResult.Status#DROPPED} when it happens.
     */
    DROP_NEWEST
}
