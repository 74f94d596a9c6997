package dev.weft.bench.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** A plain blocking test client: sends bytes, reads what comes back until end of stream. */
final class RawClient implements AutoCloseable {
    final Socket socket;

    RawClient(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        socket.setTcpNoDelay(true);
    }

    RawClient send(String ascii) throws IOException {
        socket.getOutputStream().write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** Everything until the server closes (or resets) the connection; fails on the read time-out. */
    String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; got so far: " + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException reset) {
            // A reset after the reply (the server closed with our bytes unread) still ends the stream.
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Exactly {@code n} bytes. */
    String readExactly(int n) throws IOException {
        byte[] b = socket.getInputStream().readNBytes(n);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Open file descriptors of this process. */
    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
