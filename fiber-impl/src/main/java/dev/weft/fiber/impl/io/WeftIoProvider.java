package dev.weft.fiber.impl.io;

import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Weft's {@link IoProvider}, registered in {@code META-INF/services}: sockets over non-blocking
 * NIO channels whose waits park the calling strand until a poller sees readiness, and a bounded
 * blocking pool for files. Not for application code; use {@code dev.weft.fiber.io}.
 */
public final class WeftIoProvider implements IoProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public WeftIoProvider() {
    }

    @Override
    public ServerSocketCore openServer() throws IOException {
        return new NioServerSocket(ServerSocketChannel.open());
    }

    @Override
    public SocketCore connect(SocketAddress remote, long nanos) throws IOException {
        return NioSocket.connect(remote, nanos);
    }

    @Override
    public <T> T callBlocking(BlockingCall<T> call) throws IOException {
        return BlockingPool.call(call);
    }
}
