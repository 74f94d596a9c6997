package dev.weft.bench.io;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A small HTTP/1.1 server's connection loop: every GET gets {@code 200} with the body
 * {@code hello}; keep-alive by default (HTTP/1.1), pipelined requests answered in order.
 *
 * <p>Defences, all decided here so the three server kinds behave alike:
 * <ul>
 *   <li>a refused request ({@link HttpRequestParser}) gets its status (400, 405, 505), then the
 *       connection is closed;</li>
 *   <li>a head longer than {@link ServerConfig#maxHeadBytes()} gets 431 and a close, as soon as
 *       that many bytes have arrived without the empty line: the buffer never grows past the limit;</li>
 *   <li>a head must arrive within {@link ServerConfig#headTimeout()} of its first byte: each read
 *       waits only for what is left of that budget, so a client that trickles bytes (slowloris)
 *       is answered 408 and closed, though no single read is slow;</li>
 *   <li>between requests a connection may be silent for {@link ServerConfig#idleTimeout()}, then it
 *       is closed without a word (RFC 9112 allows closing an idle connection at any time).</li>
 * </ul>
 */
final class HttpProtocol implements Protocol {
    /** The body of every response. */
    static final String BODY = "hello";
    /** The whole response to a good request; shared and never written to. */
    static final byte[] OK = response("200 OK", BODY, true);
    /** The same, announcing the close a request asked for ({@code Connection: close}, or HTTP/1.0). */
    static final byte[] OK_CLOSE = response("200 OK", BODY, false);
    /** The longest a refused connection's unread input is drained before the close (1 s). */
    static final long LINGER_NANOS = 1_000_000_000L;
    /** The most bytes drained from a refused connection before the close. */
    static final int LINGER_BYTES = 256 * 1024;
    /** Bytes of buffer a connection starts with; it doubles up to the head limit when needed. */
    static final int INITIAL_BUFFER_BYTES = 1024;

    private static final byte[] BAD_REQUEST = response("400 Bad Request", "", false);
    private static final byte[] METHOD_NOT_ALLOWED = response("405 Method Not Allowed", "", false);
    private static final byte[] REQUEST_TIMEOUT = response("408 Request Timeout", "", false);
    private static final byte[] HEAD_TOO_LARGE = response("431 Request Header Fields Too Large", "", false);
    private static final byte[] VERSION_NOT_SUPPORTED = response("505 HTTP Version Not Supported", "", false);

    @Override
    public void serve(Connection connection, ServerConfig config) throws IOException {
        int limit = config.maxHeadBytes();
        long idleNanos = config.idleTimeout().toNanos();
        long headNanos = config.headTimeout().toNanos();
        byte[] buf = new byte[Math.min(INITIAL_BUFFER_BYTES, limit)];
        int start = 0;
        int end = 0;
        while (true) {
            // Invariant: buf[start, end) holds the bytes received and not yet answered; it is
            // never longer than the head limit.
            int scanned = start;
            long headDeadline = 0;
            int headEnd;
            while ((headEnd = HttpRequestParser.headEnd(buf, start, scanned, end)) < 0) {
                scanned = Math.max(start, end - 3);
                if (end - start >= limit) {
                    refuse(connection, HEAD_TOO_LARGE);
                    return;
                }
                if (end == buf.length) {
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        scanned -= start;
                        end -= start;
                        start = 0;
                    } else {
                        byte[] bigger = new byte[Math.min(limit, buf.length * 2)];
                        System.arraycopy(buf, 0, bigger, 0, end);
                        buf = bigger;
                    }
                }
                boolean inHead = end > start;
                long wait = inHead ? headDeadline - System.nanoTime() : idleNanos;
                int n;
                try {
                    if (wait <= 0) {
                        throw new SocketTimeoutException("request head took longer than " + config.headTimeout());
                    }
                    n = connection.read(buf, end, Math.min(buf.length - end, limit - (end - start)), wait);
                } catch (SocketTimeoutException e) {
                    if (inHead) {
                        refuse(connection, REQUEST_TIMEOUT);
                    }
                    return;
                }
                if (n < 0) {
                    return; // closed by the peer, between requests or inside a head: nobody to answer
                }
                if (!inHead) {
                    headDeadline = System.nanoTime() + headNanos;
                }
                end += n;
            }
            boolean keepAlive;
            try {
                keepAlive = HttpRequestParser.parse(buf, start, headEnd);
            } catch (HttpError e) {
                refuse(connection, switch (e.status()) {
                    case 405 -> METHOD_NOT_ALLOWED;
                    case 431 -> HEAD_TOO_LARGE;
                    case 505 -> VERSION_NOT_SUPPORTED;
                    default -> BAD_REQUEST;
                });
                return;
            }
            if (!keepAlive) {
                connection.write(OK_CLOSE, 0, OK_CLOSE.length);
                return;
            }
            connection.write(OK, 0, OK.length);
            start = headEnd;
            if (start == end) {
                start = 0;
                end = 0;
            }
        }
    }

    /**
     * Answers a refused request and half-closes: the response, then end of stream, then
     * (a "lingering close", as Apache and nginx do) what the client still sends is read and
     * dropped for at most {@link #LINGER_NANOS} or {@link #LINGER_BYTES}, whichever comes first.
     * Closing at once with the client's bytes unread would make the kernel send a reset, which
     * may destroy the response before the client reads it. Best effort: the peer may be gone.
     */
    private static void refuse(Connection connection, byte[] response) {
        try {
            connection.write(response, 0, response.length);
            connection.shutdownOutput();
            byte[] sink = new byte[2048];
            long deadline = System.nanoTime() + LINGER_NANOS;
            int drained = 0;
            long left;
            while (drained < LINGER_BYTES && (left = deadline - System.nanoTime()) > 0) {
                int n = connection.read(sink, 0, sink.length, left);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException goneOrTimedOut) {
            // Nothing more to tell a peer that cannot be written to, or that keeps talking.
        }
    }

    static byte[] response(String status, String body, boolean keepAlive) {
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + (body.isEmpty() ? "" : "Content-Type: text/plain\r\n")
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        return (head + body).getBytes(StandardCharsets.US_ASCII);
    }
}
