package dev.weft.bench.io;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Echo: every byte read is written back, until end of stream. A connection on which nothing
 * arrives for {@link ServerConfig#idleTimeout()} is dropped. (A stream protocol has no request
 * boundary, so there is no head deadline as in {@link HttpProtocol}: a slow echo client is a
 * legitimate one, bounded by the idle time-out and the connection limit.)
 */
final class EchoProtocol implements Protocol {
    /** Bytes read per call; allocated once per connection. */
    static final int BUFFER_BYTES = 4096;

    @Override
    public void serve(Connection connection, ServerConfig config) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long idle = config.idleTimeout().toNanos();
        while (true) {
            int n;
            try {
                n = connection.read(buffer, 0, buffer.length, idle);
            } catch (SocketTimeoutException idleTooLong) {
                return;
            }
            if (n < 0) {
                return;
            }
            connection.write(buffer, 0, n);
        }
    }
}
