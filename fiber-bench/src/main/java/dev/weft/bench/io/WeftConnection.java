package dev.weft.bench.io;

import dev.weft.fiber.io.FiberSocketChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A Weft {@link FiberSocketChannel} as a {@link Connection}: a read that would block parks the
 * handler's fiber until the channel's poller sees data (or the read time-out passes).
 */
final class WeftConnection implements Connection {
    private final FiberSocketChannel channel;
    /** The read time-out last set on the channel: the common case (idle waits) sets it once. */
    private long timeoutNanos = -1;

    WeftConnection(FiberSocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(byte[] into, int offset, int length, long timeoutNanos) throws IOException {
        if (timeoutNanos != this.timeoutNanos) {
            channel.setReadTimeout(Duration.ofNanos(Math.max(1, timeoutNanos)));
            this.timeoutNanos = timeoutNanos;
        }
        return channel.read(ByteBuffer.wrap(into, offset, length));
    }

    @Override
    public void write(byte[] from, int offset, int length) throws IOException {
        channel.write(ByteBuffer.wrap(from, offset, length));
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
