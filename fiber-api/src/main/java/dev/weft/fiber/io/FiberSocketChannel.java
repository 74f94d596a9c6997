package dev.weft.fiber.io;

import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.InterruptibleChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A connected TCP socket whose blocking operations suspend the calling fiber instead of blocking
 * its carrier thread. Obtain one by {@linkplain #open(SocketAddress, Duration) connecting} or from
 * {@link FiberServerSocketChannel#accept()}. Called from a plain thread or a virtual thread, the
 * same methods simply block the caller. See the {@linkplain dev.weft.fiber.io package overview}
 * for the model.
 *
 * <pre>{@code
 * try (FiberSocketChannel ch = FiberSocketChannel.open(new InetSocketAddress("127.0.0.1", 8080))) {
 *     ch.setReadTimeout(Duration.ofSeconds(5));
 *     ch.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.US_ASCII)));
 *     ByteBuffer reply = ByteBuffer.allocate(64);
 *     int n = ch.read(reply);   // the fiber suspends until bytes arrive; -1 at end of stream
 * }
 * }</pre>
 *
 * <p><b>Waiting ends</b> as {@link java.nio.channels.SocketChannel}'s blocking operations do, plus
 * time-outs and cancellation:
 * <ul>
 *   <li>after the {@linkplain #setReadTimeout read} or {@linkplain #setWriteTimeout write
 *       time-out}: {@link java.net.SocketTimeoutException}; the channel stays open and usable (a read
 *       that timed out consumed nothing; a write that timed out leaves the buffer's position after
 *       the bytes that were sent);</li>
 *   <li>when the waiting fiber is {@linkplain dev.weft.fiber.Fiber#cancel() cancelled}:
 *       {@link dev.weft.fiber.FiberCancelledException}; the channel stays open and usable, with the
 *       same guarantees as after a time-out;</li>
 *   <li>when the caller (fiber or thread) is interrupted, before or while it waits:
 *       {@link java.nio.channels.ClosedByInterruptException}; the channel is closed and the
 *       interrupt status stays set, as for the JDK's {@link InterruptibleChannel}s;</li>
 *   <li>when another strand closes the channel: {@link java.nio.channels.AsynchronousCloseException}.</li>
 * </ul>
 * A connection reset by the peer surfaces as an {@link IOException}; a peer that shut down its
 * output (or closed) as end of stream, -1 from {@link #read(ByteBuffer)}.
 *
 * <p><b>Concurrency.</b> The channel is safe for use by many fibers and threads: one read and one
 * write may proceed at the same time; further readers (writers) wait for the one in progress, as
 * with {@code SocketChannel}. {@link #close()} may be called from anywhere, at any time.
 */
public final class FiberSocketChannel implements ByteChannel, InterruptibleChannel {
    private final IoProvider.SocketCore core;
    private volatile Duration readTimeout = Duration.ZERO;
    private volatile Duration writeTimeout = Duration.ZERO;
    private final InputStream in = new ChannelInputStream();
    private final OutputStream out = new ChannelOutputStream();

    FiberSocketChannel(IoProvider.SocketCore core) {
        this.core = core;
    }

    /**
     * Connects to {@code remote}, waiting (the fiber suspends) as long as the operating system
     * allows.
     *
     * @param remote the address to connect to, not null, usually an {@link InetSocketAddress}
     * @return the connected channel
     * @throws java.net.ConnectException if the connection is refused
     * @throws java.nio.channels.ClosedByInterruptException if the caller is interrupted before or while connecting
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while connecting
     * @throws java.nio.channels.UnresolvedAddressException if {@code remote} is an unresolved {@link InetSocketAddress}
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code remote} is not an {@link InetSocketAddress}
     * @throws IOException if connecting fails otherwise
     * @throws NullPointerException if {@code remote} is null
     */
    public static FiberSocketChannel open(SocketAddress remote) throws IOException {
        return open(remote, Duration.ZERO);
    }

    /**
     * Connects to {@code remote}, waiting (the fiber suspends) at most {@code connectTimeout}.
     * On any failure, the socket opened for the attempt is closed.
     *
     * @param remote the address to connect to, not null, usually an {@link InetSocketAddress}
     * @param connectTimeout the longest wait, not negative; {@link Duration#ZERO}: no limit
     * @return the connected channel
     * @throws java.net.SocketTimeoutException if the time ran out before the connection was made
     * @throws java.net.ConnectException if the connection is refused
     * @throws java.nio.channels.ClosedByInterruptException if the caller is interrupted before or while connecting
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while connecting
     * @throws java.nio.channels.UnresolvedAddressException if {@code remote} is an unresolved {@link InetSocketAddress}
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code remote} is not an {@link InetSocketAddress}
     * @throws IOException if connecting fails otherwise
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code connectTimeout} is negative
     */
    public static FiberSocketChannel open(SocketAddress remote, Duration connectTimeout) throws IOException {
        Objects.requireNonNull(remote, "remote");
        long nanos = Timeouts.nanos(Timeouts.check(connectTimeout, "connectTimeout"));
        return new FiberSocketChannel(IoProvider.get().connect(remote, nanos));
    }

    /**
     * Reads bytes into {@code dst}, waiting (the fiber suspends) until at least one byte is
     * available, the peer ends the stream, or the {@linkplain #setReadTimeout read time-out} runs
     * out. Returns 0 at once if {@code dst} has no space remaining.
     *
     * @param dst the buffer to read into, not null
     * @return the number of bytes read, possibly 0 only if {@code dst} is full; -1 at end of stream
     * @throws java.net.SocketTimeoutException if the read time-out ran out (the channel stays usable)
     * @throws java.nio.channels.ClosedChannelException if the channel is closed
     * @throws java.nio.channels.AsynchronousCloseException if another strand closes the channel while this one waits
     * @throws java.nio.channels.ClosedByInterruptException if the caller is interrupted before or while
     *         reading (the channel is then closed)
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     *         (the channel stays usable)
     * @throws IOException if reading fails, for example when the peer reset the connection
     * @throws NullPointerException if {@code dst} is null
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (!dst.hasRemaining()) {
            if (!core.isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
            return 0;
        }
        return core.read(dst, Timeouts.nanos(readTimeout));
    }

    /**
     * Writes every remaining byte of {@code src}, waiting (the fiber suspends) whenever the
     * socket's send buffer is full, at most the {@linkplain #setWriteTimeout write time-out} each
     * time it waits. On return, {@code src} has no bytes remaining.
     *
     * @param src the bytes to write, not null
     * @return the number of bytes written: all that were remaining
     * @throws java.net.SocketTimeoutException if the write time-out ran out while waiting; the
     *         buffer's position is after the bytes sent, and the channel stays open
     * @throws java.nio.channels.ClosedChannelException if the channel is closed or its output shut down
     * @throws java.nio.channels.AsynchronousCloseException if another strand closes the channel while this one waits
     * @throws java.nio.channels.ClosedByInterruptException if the caller is interrupted before or while
     *         writing (the channel is then closed)
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IOException if writing fails, for example when the peer reset the connection
     * @throws NullPointerException if {@code src} is null
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        int n = src.remaining();
        core.write(src, Timeouts.nanos(writeTimeout));
        return n;
    }

    /**
     * Shuts down the sending side: the peer reads end of stream once it has read what was sent;
     * reading from this channel goes on.
     *
     * @return this channel
     * @throws java.nio.channels.ClosedChannelException if the channel is closed
     * @throws IOException if the shutdown fails
     */
    public FiberSocketChannel shutdownOutput() throws IOException {
        core.shutdownOutput();
        return this;
    }

    /**
     * Shuts down the receiving side: later reads return -1 (end of stream).
     *
     * @return this channel
     * @throws java.nio.channels.ClosedChannelException if the channel is closed
     * @throws IOException if the shutdown fails
     */
    public FiberSocketChannel shutdownInput() throws IOException {
        core.shutdownInput();
        return this;
    }

    /**
     * Sets the longest time one read waits for bytes; takes effect at the next read.
     *
     * @param timeout not negative; {@link Duration#ZERO} (the default): no limit
     * @return this channel
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public FiberSocketChannel setReadTimeout(Duration timeout) {
        readTimeout = Timeouts.check(timeout, "readTimeout");
        return this;
    }

    /**
     * Returns the read time-out.
     *
     * @return the read time-out; {@link Duration#ZERO}: no limit
     */
    public Duration getReadTimeout() {
        return readTimeout;
    }

    /**
     * Sets the longest time a write waits, each time, for the socket to take more bytes; takes
     * effect at the next write.
     *
     * @param timeout not negative; {@link Duration#ZERO} (the default): no limit
     * @return this channel
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public FiberSocketChannel setWriteTimeout(Duration timeout) {
        writeTimeout = Timeouts.check(timeout, "writeTimeout");
        return this;
    }

    /**
     * Returns the write time-out.
     *
     * @return the write time-out; {@link Duration#ZERO}: no limit
     */
    public Duration getWriteTimeout() {
        return writeTimeout;
    }

    /**
     * Returns the address of the peer; still available after close.
     *
     * @return the address of the peer
     */
    public InetSocketAddress remoteAddress() {
        return core.remoteAddress();
    }

    /**
     * Returns the local address of the connection; still available after close.
     *
     * @return the local address of the connection
     */
    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /**
     * Sets a socket option, as {@link java.nio.channels.SocketChannel#setOption} does
     * ({@link java.net.StandardSocketOptions#TCP_NODELAY}, {@code SO_LINGER}, {@code SO_SNDBUF}, ...).
     *
     * @param <T> the option's value type
     * @param name the option, not null
     * @param value its value
     * @return this channel
     * @throws UnsupportedOperationException if the option is not supported
     * @throws IllegalArgumentException if the value is not valid for the option
     * @throws java.nio.channels.ClosedChannelException if the channel is closed
     * @throws IOException if the option cannot be set
     * @throws NullPointerException if {@code name} is null
     */
    public <T> FiberSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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
     * @throws java.nio.channels.ClosedChannelException if the channel is closed
     * @throws IOException if the option cannot be read
     * @throws NullPointerException if {@code name} is null
     */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        return core.getOption(name);
    }

    /**
     * Returns the socket options this channel supports.
     *
     * @return the socket options this channel supports
     */
    public Set<SocketOption<?>> supportedOptions() {
        return core.supportedOptions();
    }

    /**
     * An input stream over this channel: its reads are this channel's {@link #read(ByteBuffer)},
     * honouring the read time-out and suspending the fiber while waiting; -1 at end of stream.
     * Closing the stream closes the channel. The same stream is returned on every call; it is not
     * buffered.
     *
     * @return the input stream of this channel
     */
    public InputStream inputStream() {
        return in;
    }

    /**
     * An output stream over this channel: its writes are this channel's
     * {@link #write(ByteBuffer)}, honouring the write time-out. {@code flush()} does nothing (there is
     * no buffer); closing the stream closes the channel. The same stream is returned on every call.
     *
     * @return the output stream of this channel
     */
    public OutputStream outputStream() {
        return out;
    }

    /**
     * Closes the channel. Strands waiting in a read or write of it end with
     * {@link java.nio.channels.AsynchronousCloseException}. When close returns, the socket's file
     * descriptor has been released. Closing a closed channel does nothing.
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
        return "FiberSocketChannel[" + (isOpen() ? "" : "closed ") + localAddress() + " -> " + remoteAddress() + "]";
    }

    /** The channel's {@link InputStream}; reads go straight to the channel. */
    private final class ChannelInputStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            return FiberSocketChannel.this.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            FiberSocketChannel.this.close();
        }
    }

    /** The channel's {@link OutputStream}; writes go straight to the channel. */
    private final class ChannelOutputStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len > 0) {
                FiberSocketChannel.this.write(ByteBuffer.wrap(b, off, len));
            }
        }

        @Override
        public void close() throws IOException {
            FiberSocketChannel.this.close();
        }
    }
}
