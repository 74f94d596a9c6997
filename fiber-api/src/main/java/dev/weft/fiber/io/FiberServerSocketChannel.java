package dev.weft.fiber.io;

import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptibleChannel;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A listening TCP socket whose {@link #accept()} suspends the calling fiber until a connection
 * arrives, instead of blocking its carrier thread. Called from a plain thread or a virtual thread,
 * {@code accept} simply blocks. See the {@linkplain dev.weft.fiber.io package overview} for the
 * model.
 *
 * <pre>{@code
 * try (FiberServerSocketChannel server = FiberServerSocketChannel.open()
 *         .bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     while (true) {
 *         FiberSocketChannel client = server.accept();   // the fiber suspends
 *         Fiber.start(() -> serve(client));              // one fiber per connection
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #accept()} ends, besides with a connection, as
 * {@link java.nio.channels.ServerSocketChannel#accept()} does in blocking mode, plus time-outs and
 * cancellation: after the accept time-out with {@link java.net.SocketTimeoutException} (the
 * channel stays usable); in a cancelled fiber with {@link dev.weft.fiber.FiberCancelledException}
 * (the channel stays usable); for an interrupted caller with
 * {@link java.nio.channels.ClosedByInterruptException} (the channel is closed, the interrupt status
 * stays set); when another strand closes the channel with
 * {@link java.nio.channels.AsynchronousCloseException}. Closing the server closes no accepted
 * connection. Many fibers may accept on one server at the same time.
 */
public final class FiberServerSocketChannel implements NetworkChannel, InterruptibleChannel {
    private final IoProvider.ServerSocketCore core;
    private volatile Duration acceptTimeout = Duration.ZERO;

    private FiberServerSocketChannel(IoProvider.ServerSocketCore core) {
        this.core = core;
    }

    /**
     * Opens an unbound server socket; {@link #bind(SocketAddress)} it before accepting.
     *
     * @return the new server socket channel
     * @throws IOException if the socket cannot be opened
     */
    public static FiberServerSocketChannel open() throws IOException {
        return new FiberServerSocketChannel(IoProvider.get().openServer());
    }

    /**
     * Binds the socket to {@code local} and listens, with the system's default backlog.
     *
     * @param local the address, usually an {@link InetSocketAddress} (port 0: any free port); null
     *        binds to an automatically assigned address
     * @return this channel
     * @throws java.nio.channels.AlreadyBoundException if the socket is already bound
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code local} is not an {@link InetSocketAddress}
     * @throws ClosedChannelException if the channel is closed
     * @throws IOException if binding fails (for example, the address is in use)
     */
    @Override
    public FiberServerSocketChannel bind(SocketAddress local) throws IOException {
        return bind(local, 0);
    }

    /**
     * Binds the socket to {@code local} and listens with the given backlog: the most connections
     * the system keeps waiting for an accept (a hint the system may round or cap).
     *
     * @param local the address, usually an {@link InetSocketAddress} (port 0: any free port); null
     *        binds to an automatically assigned address
     * @param backlog the listen backlog; 0 or less: the system default
     * @return this channel
     * @throws java.nio.channels.AlreadyBoundException if the socket is already bound
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code local} is not an {@link InetSocketAddress}
     * @throws ClosedChannelException if the channel is closed
     * @throws IOException if binding fails (for example, the address is in use)
     */
    public FiberServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        core.bind(local, backlog);
        return this;
    }

    /**
     * Accepts a connection, waiting (the fiber suspends) at most the
     * {@linkplain #setAcceptTimeout accept time-out}.
     *
     * @return the accepted connection, with no read or write time-out
     * @throws java.net.SocketTimeoutException if the accept time-out ran out (the channel stays usable)
     * @throws java.nio.channels.NotYetBoundException if the socket is not bound yet
     * @throws ClosedChannelException if the channel is closed
     * @throws java.nio.channels.AsynchronousCloseException if another strand closes the channel while this one waits
     * @throws java.nio.channels.ClosedByInterruptException if the caller is interrupted before or while
     *         waiting (the channel is then closed)
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IOException if accepting fails otherwise (for example, too many open files)
     */
    public FiberSocketChannel accept() throws IOException {
        return accept(acceptTimeout);
    }

    /**
     * Accepts a connection, waiting (the fiber suspends) at most {@code timeout}, whatever the
     * {@linkplain #setAcceptTimeout accept time-out}.
     *
     * @param timeout the longest wait, not negative; {@link Duration#ZERO}: no limit
     * @return the accepted connection, with no read or write time-out
     * @throws java.net.SocketTimeoutException if the time ran out (the channel stays usable)
     * @throws java.nio.channels.NotYetBoundException if the socket is not bound yet
     * @throws ClosedChannelException if the channel is closed
     * @throws java.nio.channels.AsynchronousCloseException if another strand closes the channel while this one waits
     * @throws java.nio.channels.ClosedByInterruptException if the caller is interrupted before or while
     *         waiting (the channel is then closed)
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IOException if accepting fails otherwise (for example, too many open files)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public FiberSocketChannel accept(Duration timeout) throws IOException {
        long nanos = Timeouts.nanos(Timeouts.check(timeout, "timeout"));
        return new FiberSocketChannel(core.accept(nanos));
    }

    /**
     * Sets the longest time {@link #accept()} waits for a connection.
     *
     * @param timeout not negative; {@link Duration#ZERO} (the default): no limit
     * @return this channel
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public FiberServerSocketChannel setAcceptTimeout(Duration timeout) {
        acceptTimeout = Timeouts.check(timeout, "acceptTimeout");
        return this;
    }

    /**
     * Returns the accept time-out.
     *
     * @return the accept time-out; {@link Duration#ZERO}: no limit
     */
    public Duration getAcceptTimeout() {
        return acceptTimeout;
    }

    /**
     * Returns the address the socket is bound to (with the port the system chose for port 0),
     * or null if it is not bound; still available after close.
     *
     * @return the bound address, or null if not bound
     */
    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /**
     * Returns the address the socket is bound to, as {@link NetworkChannel} specifies it.
     *
     * @return the bound address, or null if not bound
     * @throws ClosedChannelException if the channel is closed
     */
    @Override
    public SocketAddress getLocalAddress() throws ClosedChannelException {
        if (!core.isOpen()) {
            throw new ClosedChannelException();
        }
        return core.localAddress();
    }

    /**
     * Sets a socket option, as {@link java.nio.channels.ServerSocketChannel#setOption} does
     * ({@link java.net.StandardSocketOptions#SO_REUSEADDR}, {@code SO_RCVBUF}).
     *
     * @param <T> the option's value type
     * @param name the option, not null
     * @param value its value
     * @return this channel
     * @throws UnsupportedOperationException if the option is not supported
     * @throws IllegalArgumentException if the value is not valid for the option
     * @throws ClosedChannelException if the channel is closed
     * @throws IOException if the option cannot be set
     * @throws NullPointerException if {@code name} is null
     */
    @Override
    public <T> FiberServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name, "name");
        core.setOption(name, value);
        return this;
    }

    /**
     * Returns a socket option's value.
     *
     * @param <T> the option's value type
     * @param name the option, not null
     * @return its value
     * @throws UnsupportedOperationException if the option is not supported
     * @throws ClosedChannelException if the channel is closed
     * @throws IOException if the option cannot be read
     * @throws NullPointerException if {@code name} is null
     */
    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        return core.getOption(name);
    }

    /**
     * Returns the socket options this channel supports.
     *
     * @return the socket options this channel supports
     */
    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return core.supportedOptions();
    }

    /**
     * Closes the socket: no more connections are accepted, and strands waiting in
     * {@link #accept()} end with {@link java.nio.channels.AsynchronousCloseException}. Connections
     * accepted earlier stay open. When close returns, the socket's file descriptor has been
     * released (the port may be bound again). Closing a closed channel does nothing.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        core.close();
    }

    /**
     * Returns whether the channel is open.
     *
     * @return whether the channel is open
     */
    @Override
    public boolean isOpen() {
        return core.isOpen();
    }

    @Override
    public String toString() {
        return "FiberServerSocketChannel[" + (isOpen() ? "" : "closed ") + localAddress() + "]";
    }
}
