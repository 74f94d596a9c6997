package dev.weft.bench.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Thread-per-connection over blocking {@code java.net} sockets, the part {@link VirtualThreadServer}
 * and {@link ThreadPoolServer} share: one accept loop (in a thread from the given factory) that
 * admits each connection through the {@link ConnectionRegistry} and hands it to the executor.
 * The subclasses differ only in the executor, which is the point of the comparison.
 */
abstract class BlockingSocketServer implements DemoServer {
    private final ServerSocket listener;
    private final ExecutorService handlers;
    private final ConnectionRegistry registry;
    private final Thread acceptor;
    private final Protocol protocol;
    private final ServerConfig config;

    BlockingSocketServer(Protocol protocol, ServerConfig config, ExecutorService handlers, ThreadFactory acceptorFactory) {
        this.protocol = protocol;
        this.config = config;
        this.handlers = handlers;
        this.registry = new ConnectionRegistry(config.connectionLimit());
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), config.backlog());
        } catch (IOException e) {
            handlers.shutdownNow();
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + config.port(), e);
        }
        acceptor = acceptorFactory.newThread(this::acceptLoop);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                continue; // e.g. EMFILE: the connection stays in the backlog, try again
            }
            JavaNetConnection connection;
            try {
                socket.setTcpNoDelay(true);
                connection = new JavaNetConnection(socket);
            } catch (IOException e) {
                ConnectionRegistry.closeQuietly(socket);
                continue;
            }
            registry.dispatch(connection, handlers, protocol, config);
        }
    }

    @Override
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public ServerStats stats() {
        return registry.stats();
    }

    @Override
    public void close() {
        ConnectionRegistry.closeQuietly(listener);
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(10));
            registry.closeAll();
            handlers.shutdown();
            if (!handlers.awaitTermination(10, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handlers.shutdownNow();
        }
        afterClose();
    }

    /** Releases what the subclass owns beyond the executor; called last by {@link #close()}. */
    void afterClose() {
    }
}
