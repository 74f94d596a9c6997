package dev.weft.fiber.impl.io;

import dev.weft.fiber.FiberLock;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * A connected TCP socket over a non-blocking {@link SocketChannel}: each operation first tries
 * the channel directly and waits ({@link PolledChannel#awaitReady}) only when it made no progress.
 * Reads are serialized by {@link #readLock}, writes by {@link #writeLock} (fiber-aware locks: a
 * fiber waiting for one suspends), so each waiter slot has one strand at most.
 */
final class NioSocket extends PolledChannel implements IoProvider.SocketCore {
    private final SocketChannel ch;
    private final FiberLock readLock = new FiberLock();
    private final FiberLock writeLock = new FiberLock();
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;

    private NioSocket(SocketChannel ch) throws IOException {
        super(ch);
        this.ch = ch;
    }

    /** Wraps a channel just accepted by a server; on failure, the channel is closed. */
    static NioSocket accepted(SocketChannel ch) throws IOException {
        NioSocket s = new NioSocket(ch);
        try {
            s.addresses();
        } catch (IOException | RuntimeException e) {
            s.closeQuietly(e);
            throw e;
        }
        return s;
    }

    /** Opens a socket and connects it; on failure (time-out, cancel, interrupt) the socket is closed. */
    static NioSocket connect(SocketAddress remote, long nanos) throws IOException {
        if (!(remote instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        Object self = Strand.current();
        if (isInterrupted(self)) {
            throw new java.nio.channels.ClosedByInterruptException(); // nothing opened yet
        }
        NioSocket s = new NioSocket(SocketChannel.open());
        try {
            s.connect0((InetSocketAddress) remote, nanos, self);
            s.addresses();
        } catch (IOException | RuntimeException | Error e) {
            s.closeQuietly(e);
            throw e;
        }
        return s;
    }

    private void connect0(InetSocketAddress address, long nanos, Object self) throws IOException {
        boolean timed = nanos > 0;
        long deadline = timed ? deadline(nanos) : 0L;
        if (OutOfLineCalls.connect(ch, address)) {
            return;
        }
        do {
            awaitReady(SelectionKey.OP_CONNECT, timed, deadline, self);
        } while (!OutOfLineCalls.finishConnect(ch));
    }

    private void addresses() throws IOException {
        local = (InetSocketAddress) ch.getLocalAddress();
        remote = (InetSocketAddress) ch.getRemoteAddress();
    }

    private void closeQuietly(Throwable cause) {
        try {
            close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public int read(ByteBuffer dst, long nanos) throws IOException {
        Object self = Strand.current();
        readLock.lock();
        try {
            checkInterrupt(self);
            boolean timed = nanos > 0;
            long deadline = timed ? deadline(nanos) : 0L;
            while (true) {
                int n = OutOfLineCalls.read(ch, dst);
                if (n != 0) {
                    return n;
                }
                awaitReady(SelectionKey.OP_READ, timed, deadline, self);
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void write(ByteBuffer src, long nanos) throws IOException {
        Object self = Strand.current();
        writeLock.lock();
        try {
            checkInterrupt(self);
            boolean timed = nanos > 0;
            long deadline = 0L;
            boolean progress = true;
            while (src.hasRemaining()) {
                if (OutOfLineCalls.write(ch, src) > 0) {
                    progress = true;
                    continue;
                }
                if (progress && timed) {
                    deadline = deadline(nanos); // the time-out bounds each wait that follows progress
                }
                progress = false;
                awaitReady(SelectionKey.OP_WRITE, timed, deadline, self);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        ch.shutdownOutput();
    }

    @Override
    public void shutdownInput() throws IOException {
        ch.shutdownInput();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
