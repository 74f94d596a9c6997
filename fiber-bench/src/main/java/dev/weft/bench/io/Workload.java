package dev.weft.bench.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The two workloads: what the server runs ({@link #protocol()}) and what the load generator sends
 * and expects back, byte for byte.
 */
public enum Workload {
    /** 64-byte messages echoed back; each request's bytes differ (connection, round trip), so a mixed-up reply is caught. */
    ECHO {
        @Override
        Protocol protocol() {
            return new EchoProtocol();
        }

        @Override
        byte[] request(int connection, int roundTrip) {
            byte[] message = new byte[ECHO_MESSAGE_BYTES];
            int seed = connection * 31 + roundTrip * 7919;
            for (int i = 0; i < message.length; i++) {
                message[i] = (byte) (seed + i * 131);
            }
            return message;
        }

        @Override
        byte[] expectedResponse(byte[] request) {
            return request;
        }
    },
    /** {@code GET /} with keep-alive, answered {@code 200 hello}. */
    HTTP {
        private final byte[] get = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        Protocol protocol() {
            return new HttpProtocol();
        }

        @Override
        byte[] request(int connection, int roundTrip) {
            return get;
        }

        @Override
        byte[] expectedResponse(byte[] request) {
            return HttpProtocol.OK;
        }
    };

    /** The size of an echo message. */
    static final int ECHO_MESSAGE_BYTES = 64;

    abstract Protocol protocol();

    /** The bytes of round trip {@code roundTrip} on connection {@code connection}; not modified by the caller. */
    abstract byte[] request(int connection, int roundTrip);

    /** The exact reply to {@code request}. */
    abstract byte[] expectedResponse(byte[] request);

    /** The lower-case name used in the JSON and on the command line. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Workload parse(String s) {
        for (Workload w : values()) {
            if (w.label().equals(s)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + s + "', expected one of " + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }
}
