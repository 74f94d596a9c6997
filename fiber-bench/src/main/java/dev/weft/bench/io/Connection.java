package dev.weft.bench.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * One accepted connection as the protocol code sees it: the three server kinds wrap their own
 * socket type (a Weft {@code FiberSocketChannel}, a blocking {@code java.net.Socket}) in this, so
 * {@link EchoProtocol} and {@link HttpProtocol} are the same code for all of them.
 *
 * <p>Used by one handler at a time (its fiber or thread); {@link #close()} may also be called by
 * the server's shutdown from another thread, which makes a blocked {@code read} fail.
 */
interface Connection extends Closeable {

    /**
     * Reads at least one byte, waiting at most {@code timeoutNanos}.
     *
     * @return the number of bytes read, or -1 at end of stream
     * @throws java.net.SocketTimeoutException if nothing arrived in time
     */
    int read(byte[] into, int offset, int length, long timeoutNanos) throws IOException;

    /** Writes all {@code length} bytes. */
    void write(byte[] from, int offset, int length) throws IOException;

    /** Sends end of stream (FIN) after what was written; reading stays possible. */
    void shutdownOutput() throws IOException;

    /** Closes the connection; idempotent. */
    @Override
    void close() throws IOException;
}
