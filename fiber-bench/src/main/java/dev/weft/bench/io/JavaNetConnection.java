package dev.weft.bench.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** A blocking {@code java.net.Socket} as a {@link Connection}: time-outs through {@code SO_TIMEOUT}. */
final class JavaNetConnection implements Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    JavaNetConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    @Override
    public int read(byte[] into, int offset, int length, long timeoutNanos) throws IOException {
        // SO_TIMEOUT is in whole milliseconds and 0 means forever: round up, at least 1.
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999))));
        return in.read(into, offset, length);
    }

    @Override
    public void write(byte[] from, int offset, int length) throws IOException {
        out.write(from, offset, length);
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
