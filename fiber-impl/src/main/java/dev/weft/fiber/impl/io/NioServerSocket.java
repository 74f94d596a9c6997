package dev.weft.fiber.impl.io;

import dev.weft.fiber.FiberLock;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening socket over a non-blocking {@link ServerSocketChannel}. Accepts are serialized by
 * {@link #acceptLock} (a fiber-aware lock), so many fibers may call accept and at most one waits
 * for readiness; each accepted connection is registered with a poller of its own choosing
 * ({@link Pollers}, round-robin), not necessarily this one's.
 */
final class NioServerSocket extends PolledChannel implements IoProvider.ServerSocketCore {
    private final ServerSocketChannel ch;
    private final FiberLock acceptLock = new FiberLock();
    private volatile InetSocketAddress local;

    NioServerSocket(ServerSocketChannel ch) throws IOException {
        super(ch);
        this.ch = ch;
    }

    @Override
    public void bind(SocketAddress address, int backlog) throws IOException {
        ch.bind(address, Math.max(0, backlog));
        local = (InetSocketAddress) ch.getLocalAddress();
    }

    @Override
    public IoProvider.SocketCore accept(long nanos) throws IOException {
        Object self = Strand.current();
        acceptLock.lock();
        try {
            checkInterrupt(self);
            boolean timed = nanos > 0;
            long deadline = timed ? deadline(nanos) : 0L;
            while (true) {
                SocketChannel c = OutOfLineCalls.accept(ch);
                if (c != null) {
                    return NioSocket.accepted(c);
                }
                awaitReady(SelectionKey.OP_ACCEPT, timed, deadline, self);
            }
        } finally {
            acceptLock.unlock();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
