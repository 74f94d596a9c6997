package dev.weft.fiber;

/**
 * Thrown by a channel's {@linkplain Channel#iterator() iterator} or {@linkplain Channel#stream()
 * stream}, which cannot throw {@link InterruptedException}, when the caller is interrupted while
 * waiting for the next item. The interrupt status is set again before it is thrown, and no item
 * was taken.
 */
public class ChannelInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param cause the {@link InterruptedException} the wait ended with
     */
    public ChannelInterruptedException(InterruptedException cause) {
        super("interrupted while waiting for the next item of a channel", cause);
    }
}
