package dev.weft.fiber;

/**
 * Thrown by a channel operation that cannot complete because the channel is closed: a send after
 * {@link Channel#close()}, a send that was waiting when the channel closed, or a receive once every
 * item accepted before the close has been delivered. When the channel was closed with
 * {@link Channel#close(Throwable)}, {@link #getCause()} is that cause.
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be done, and why
     * @param cause the cause the channel was closed with, or null
     */
    public ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
