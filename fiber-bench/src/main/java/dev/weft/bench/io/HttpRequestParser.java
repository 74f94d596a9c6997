package dev.weft.bench.io;

/**
 * The strict HTTP/1.1 request-head parser the three HTTP servers share (RFC 9112, the part a GET-only
 * server needs). Works on bytes in place, allocates nothing for a good request.
 *
 * <p>Accepted: {@code GET SP request-target SP HTTP/1.1} (or {@code HTTP/1.0}) CRLF, header fields
 * {@code token ":" OWS value OWS} CRLF, an empty line. Refused, each with the status the server sends
 * before it closes the connection:
 * <ul>
 *   <li>400: a malformed request line or header line, a bare CR or LF, whitespace before a colon,
 *       obsolete line folding, control characters, an HTTP/1.1 request without exactly one
 *       {@code Host}, or a body ({@code Content-Length} other than 0, any {@code Transfer-Encoding}):
 *       a GET-only server has no use for a body and does not guess where one ends;</li>
 *   <li>405: a well-formed request with another method;</li>
 *   <li>431: a head longer than the configured limit or with more than {@link #MAX_FIELDS} fields
 *       (decided by {@link HttpProtocol} before the head is complete);</li>
 *   <li>505: a well-formed version other than 1.0 and 1.1.</li>
 * </ul>
 */
final class HttpRequestParser {
    /** The most header fields in one request. */
    static final int MAX_FIELDS = 100;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] HTTP_ = {'H', 'T', 'T', 'P', '/'};
    private static final byte[] HTTP_1_ = {'H', 'T', 'T', 'P', '/', '1', '.'};
    private static final byte[] HOST = bytes("host");
    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");

    private HttpRequestParser() {
    }

    /**
     * Where the head that starts at {@code start} ends: the index just past its empty line, or -1
     * if {@code buf[start, end)} does not hold it yet. Scans from {@code scanFrom} (at least
     * {@code start}), so a head that arrives a byte at a time is scanned once, not once per byte.
     */
    static int headEnd(byte[] buf, int start, int scanFrom, int end) {
        for (int i = Math.max(start + 3, scanFrom + 3); i < end; i++) {
            if (buf[i] == LF && buf[i - 1] == CR && buf[i - 2] == LF && buf[i - 3] == CR) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Parses the complete head {@code buf[start, end)} ({@code end} as returned by {@link #headEnd}).
     *
     * @return whether the connection stays open after the response (HTTP/1.1 unless
     *         {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive})
     * @throws HttpError if the request is refused (see the class comment)
     */
    static boolean parse(byte[] buf, int start, int end) throws HttpError {
        int lineEnd = lineEnd(buf, start, end);
        // Request line: method SP target SP version.
        int sp1 = indexOf(buf, start, lineEnd, (byte) ' ');
        if (sp1 <= start || !isToken(buf, start, sp1)) {
            throw new HttpError(400, "malformed request line");
        }
        int sp2 = indexOf(buf, sp1 + 1, lineEnd, (byte) ' ');
        if (sp2 <= sp1 + 1 || !isVisible(buf, sp1 + 1, sp2)) {
            throw new HttpError(400, "malformed request target");
        }
        int version = version(buf, sp2 + 1, lineEnd);
        if (!regionEquals(buf, start, sp1, GET)) {
            throw new HttpError(405, "only GET is served");
        }
        boolean http11 = version == 1;
        boolean close = !http11;
        int hosts = 0;
        int fields = 0;
        int p = lineEnd + 2;
        while (true) {
            int e = lineEnd(buf, p, end);
            if (e == p) {
                break;
            }
            if (++fields > MAX_FIELDS) {
                throw new HttpError(431, "more than " + MAX_FIELDS + " header fields");
            }
            int colon = indexOf(buf, p, e, (byte) ':');
            if (colon <= p || !isToken(buf, p, colon)) {
                // Also catches obsolete line folding (a line starting with SP or HTAB) and
                // whitespace between the field name and the colon, both refused by RFC 9112.
                throw new HttpError(400, "malformed header field");
            }
            int vs = colon + 1;
            int ve = e;
            while (vs < ve && isOws(buf[vs])) {
                vs++;
            }
            while (ve > vs && isOws(buf[ve - 1])) {
                ve--;
            }
            if (!isFieldValue(buf, vs, ve)) {
                throw new HttpError(400, "control character in a header value");
            }
            if (nameIs(buf, p, colon, HOST)) {
                hosts++;
            } else if (nameIs(buf, p, colon, CONTENT_LENGTH)) {
                if (ve - vs != 1 || buf[vs] != '0') {
                    throw new HttpError(400, "a GET request with a body");
                }
            } else if (nameIs(buf, p, colon, TRANSFER_ENCODING)) {
                throw new HttpError(400, "a GET request with a body");
            } else if (nameIs(buf, p, colon, CONNECTION)) {
                if (containsToken(buf, vs, ve, CLOSE)) {
                    close = true;
                } else if (containsToken(buf, vs, ve, KEEP_ALIVE)) {
                    close = false;
                }
            }
            p = e + 2;
        }
        if (http11 ? hosts != 1 : hosts > 1) {
            throw new HttpError(400, "an HTTP/1.1 request needs exactly one Host field");
        }
        return !close;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    private static int version(byte[] buf, int from, int to) throws HttpError {
        if (to - from != HTTP_1_.length + 1 || !regionEquals(buf, from, to - 1, HTTP_1_)) {
            if (to - from == 8 && regionEquals(buf, from, from + 5, HTTP_) && isDigit(buf[from + 5])
                    && buf[from + 6] == '.' && isDigit(buf[from + 7])) {
                throw new HttpError(505, "HTTP version not supported");
            }
            throw new HttpError(400, "malformed HTTP version");
        }
        byte minor = buf[to - 1];
        if (minor == '0' || minor == '1') {
            return minor - '0';
        }
        throw new HttpError(505, "HTTP version not supported");
    }

    /** The index of the CR of the CRLF ending the line at {@code from}; 400 on a bare CR or LF. */
    private static int lineEnd(byte[] buf, int from, int end) throws HttpError {
        for (int i = from; i < end; i++) {
            byte b = buf[i];
            if (b == CR) {
                if (i + 1 < end && buf[i + 1] == LF) {
                    return i;
                }
                throw new HttpError(400, "bare CR");
            }
            if (b == LF) {
                throw new HttpError(400, "bare LF");
            }
        }
        throw new HttpError(400, "unterminated line");
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(byte[] buf, int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (buf[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive comparison with a lower-case ASCII name. */
    private static boolean nameIs(byte[] buf, int from, int to, byte[] lowerName) {
        if (to - from != lowerName.length) {
            return false;
        }
        for (int i = 0; i < lowerName.length; i++) {
            if (lower(buf[from + i]) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the comma-separated list {@code buf[from, to)} holds {@code token} (case-insensitive). */
    private static boolean containsToken(byte[] buf, int from, int to, byte[] token) {
        int i = from;
        while (i < to) {
            int comma = indexOf(buf, i, to, (byte) ',');
            int e = comma < 0 ? to : comma;
            int s = i;
            int t = e;
            while (s < t && isOws(buf[s])) {
                s++;
            }
            while (t > s && isOws(buf[t - 1])) {
                t--;
            }
            if (nameIs(buf, s, t, token)) {
                return true;
            }
            i = e + 1;
        }
        return false;
    }

    private static boolean isToken(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            boolean ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || isDigit(b)
                    || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] <= ' ' || buf[i] == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFieldValue(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if ((b < ' ' && b != '\t') || b == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
