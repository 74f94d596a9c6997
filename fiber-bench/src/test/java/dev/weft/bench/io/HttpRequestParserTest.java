package dev.weft.bench.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpRequestParserTest {

    private static boolean parse(String head) throws HttpError {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        int end = HttpRequestParser.headEnd(b, 0, 0, b.length);
        assertEquals(b.length, end, "head end of " + head);
        return HttpRequestParser.parse(b, 0, end);
    }

    @Test
    void http11KeepsAliveUnlessAskedToClose() throws HttpError {
        assertTrue(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(parse("GET /a?b=c HTTP/1.1\r\nhost:x\r\nAccept: */*\r\nContent-Length: 0\r\n\r\n"));
        assertFalse(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n"));
        assertFalse(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n"));
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws HttpError {
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n"));
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    }

    @Test
    void headEndIsFoundWhenTheHeadArrivesByteByByte() {
        byte[] b = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET".getBytes(StandardCharsets.ISO_8859_1);
        int scanned = 0;
        for (int end = 1; end <= b.length; end++) {
            int e = HttpRequestParser.headEnd(b, 0, scanned, end);
            if (end < 27) {
                assertEquals(-1, e, "at " + end);
                scanned = Math.max(0, end - 3);
            } else {
                assertEquals(27, e);
            }
        }
    }

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                Arguments.of(400, "GET\r\n\r\n"),
                Arguments.of(400, "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1 \r\nHost: x\r\n\r\n"),
                Arguments.of(400, "GET / HTTQ/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\nY: z\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\u0001\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
                Arguments.of(400, "\r\n\r\n"),
                Arguments.of(405, "POST / HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of(505, "GET / HTTP/2.0\r\nHost: x\r\n\r\n"));
    }

    @ParameterizedTest
    @MethodSource("refusedRequests")
    void refusedRequestsGetTheirStatus(int status, String head) {
        HttpError e = assertThrows(HttpError.class, () -> parse(head));
        assertEquals(status, e.status(), e.getMessage());
    }

    @Test
    void tooManyFieldsAre431() {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < HttpRequestParser.MAX_FIELDS; i++) {
            sb.append("X-").append(i).append(": y\r\n");
        }
        HttpError e = assertThrows(HttpError.class, () -> parse(sb.append("\r\n").toString()));
        assertEquals(431, e.status());
    }
}
