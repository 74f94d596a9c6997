package dev.weft.bench.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;

/**
 * A Weft fiber per connection over {@link FiberServerSocketChannel}/{@link FiberSocketChannel},
 * on a work-stealing scheduler of {@link ServerConfig#carriers()} carriers that the server owns.
 * The accept loop is a fiber too: every wait in this server parks a fiber, none blocks a carrier.
 *
 * <p>Shutdown: close the listener (the acceptor's {@code accept} fails and its loop ends), close
 * every open connection (each handler's parked {@code read} fails and the handler ends), then
 * shut the scheduler down and wait for it to terminate, which it does once its last fiber ended:
 * so a server that closed cleanly leaked no fiber.
 */
final class WeftFiberServer implements DemoServer {
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final Protocol protocol;
    private final ServerConfig config;
    private final ConnectionRegistry registry;
    private final FiberScheduler scheduler;
    private final FiberServerSocketChannel listener;
    private final Fiber<Void> acceptor;
    private final int port;

    WeftFiberServer(Protocol protocol, ServerConfig config) {
        this.protocol = protocol;
        this.config = config;
        this.registry = new ConnectionRegistry(config.connectionLimit());
        this.scheduler = Schedulers.workStealing(config.carriers());
        try {
            listener = FiberServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), config.backlog());
        } catch (IOException e) {
            scheduler.close();
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + config.port(), e);
        }
        port = listener.localAddress().getPort();
        acceptor = Fiber.builder().name("weft-server-acceptor").scheduler(scheduler).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            FiberSocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
                continue; // e.g. EMFILE: the connection stays in the backlog, try again
            }
            WeftConnection connection = new WeftConnection(channel);
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                ConnectionRegistry.closeQuietly(connection);
                continue;
            }
            registry.dispatch(connection, handler -> Fiber.builder().scheduler(scheduler).start(handler), protocol, config);
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ServerStats stats() {
        return registry.stats();
    }

    @Override
    public void close() {
        ConnectionRegistry.closeQuietly(listener);
        try {
            acceptor.join(SHUTDOWN_WAIT);
            registry.closeAll();
            scheduler.shutdown();
            if (!scheduler.awaitTermination(SHUTDOWN_WAIT)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
    }

    /** Whether every fiber of the server has ended (true after a clean {@link #close()}). */
    boolean terminated() {
        return scheduler.isTerminated();
    }
}
