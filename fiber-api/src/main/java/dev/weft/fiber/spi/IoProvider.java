package dev.weft.fiber.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The implementation of Weft's fiber-aware I/O ({@link dev.weft.fiber.io.FiberSocketChannel},
 * {@link dev.weft.fiber.io.FiberServerSocketChannel}, {@link dev.weft.fiber.io.FiberFiles}), found
 * through {@link java.util.ServiceLoader}. The public classes check their arguments and delegate
 * here; every time-out arrives as nanoseconds, where 0 means no limit. Not for application code.
 */
public interface IoProvider {

    /** Socket options, shared by both kinds of socket core. */
    interface OptionsCore {
        /**
         * Sets a socket option.
         *
         * @param <T> the option's value type
         * @param name the option, not null
         * @param value its value
         * @throws IOException if the socket is closed or the option cannot be set
         */
        <T> void setOption(SocketOption<T> name, T value) throws IOException;

        /**
         * Returns a socket option's value.
         *
         * @param <T> the option's value type
         * @param name the option, not null
         * @return its value
         * @throws IOException if the socket is closed or the option cannot be read
         */
        <T> T getOption(SocketOption<T> name) throws IOException;

        /**
         * Returns the options this socket supports.
         *
         * @return the options this socket supports
         */
        Set<SocketOption<?>> supportedOptions();

        /**
         * Closes the socket, waking every strand waiting on it; idempotent.
         *
         * @throws IOException if closing fails
         */
        void close() throws IOException;

        /**
         * Returns whether the socket is open.
         *
         * @return whether the socket is open
         */
        boolean isOpen();
    }

    /** Backs {@link dev.weft.fiber.io.FiberServerSocketChannel}. */
    interface ServerSocketCore extends OptionsCore {
        /**
         * Binds the socket and listens.
         *
         * @param local the address, or null for an automatically assigned one
         * @param backlog the listen backlog; 0 or less: the system default
         * @throws IOException if binding fails, the socket is closed or already bound
         */
        void bind(SocketAddress local, int backlog) throws IOException;

        /**
         * Accepts a connection, waiting (the fiber suspends) as long as allowed.
         *
         * @param nanos the longest wait; 0: no limit
         * @return the accepted connection
         * @throws IOException if accepting fails or the time ran out
         *         ({@link java.net.SocketTimeoutException}), or the socket is closed
         */
        SocketCore accept(long nanos) throws IOException;

        /**
         * Returns the address bound to, or null if not bound (kept after close).
         *
         * @return the address bound to, or null if not bound
         */
        InetSocketAddress localAddress();
    }

    /** Backs {@link dev.weft.fiber.io.FiberSocketChannel}: a connected stream socket. */
    interface SocketCore extends OptionsCore {
        /**
         * Reads at least one byte into {@code dst}, waiting as long as allowed.
         *
         * @param dst the buffer, with space remaining (the caller returns 0 itself otherwise)
         * @param nanos the longest wait; 0: no limit
         * @return the bytes read, or -1 at end of stream
         * @throws IOException if reading fails, the time ran out or the socket is closed
         */
        int read(ByteBuffer dst, long nanos) throws IOException;

        /**
         * Writes every remaining byte of {@code src}, waiting as long as allowed for each part.
         *
         * @param src the buffer
         * @param nanos the longest wait for the socket to take more bytes; 0: no limit
         * @throws IOException if writing fails, the time ran out or the socket is closed
         */
        void write(ByteBuffer src, long nanos) throws IOException;

        /**
         * Shuts down the sending side.
         *
         * @throws IOException if the socket is closed or the shutdown fails
         */
        void shutdownOutput() throws IOException;

        /**
         * Shuts down the receiving side.
         *
         * @throws IOException if the socket is closed or the shutdown fails
         */
        void shutdownInput() throws IOException;

        /**
         * Returns the peer's address (kept after close).
         *
         * @return the peer's address
         */
        InetSocketAddress remoteAddress();

        /**
         * Returns the local address (kept after close).
         *
         * @return the local address
         */
        InetSocketAddress localAddress();
    }

    /**
     * A blocking operation on files or anything else that cannot be made non-blocking.
     *
     * @param <T> its result type
     */
    @FunctionalInterface
    interface BlockingCall<T> {
        /**
         * Runs the operation.
         *
         * @return its result
         * @throws IOException if it fails
         */
        T call() throws IOException;
    }

    /**
     * A new, unbound server socket.
     *
     * @return the server socket
     * @throws IOException if it cannot be opened
     */
    ServerSocketCore openServer() throws IOException;

    /**
     * Connects a new socket, waiting as long as allowed.
     *
     * @param remote the address to connect to, not null
     * @param nanos the longest wait; 0: no limit
     * @return the connected socket
     * @throws IOException if connecting fails or the time ran out ({@link java.net.SocketTimeoutException})
     */
    SocketCore connect(SocketAddress remote, long nanos) throws IOException;

    /**
     * Runs {@code call} where it may block: from a fiber, on a bounded pool of threads while the
     * fiber parks.
     *
     * @param <T> the result type
     * @param call the operation, not null
     * @return its result
     * @throws IOException what the operation threw, or {@link java.nio.channels.ClosedByInterruptException}
     *         if the caller was interrupted while it ran
     */
    <T> T callBlocking(BlockingCall<T> call) throws IOException;

    /**
     * The implementation on the class path.
     *
     * @return the provider, loaded once
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static IoProvider get() {
        return ProviderLoader.IO.provider();
    }
}
