package dev.weft.bench.io;

import java.util.concurrent.Executors;

/**
 * A fixed pool of {@link ServerConfig#poolThreads()} platform threads (200 in the load runs) over
 * blocking {@code java.net} sockets: a connection holds a thread from its first byte to its close,
 * so beyond 200 connections the rest wait in the pool's queue, which the connection limit bounds.
 */
final class ThreadPoolServer extends BlockingSocketServer {
    private final int threads;

    ThreadPoolServer(Protocol protocol, ServerConfig config) {
        super(protocol, config,
                Executors.newFixedThreadPool(config.poolThreads(), Thread.ofPlatform().name("pool-server-", 0).daemon(true).factory()),
                Thread.ofPlatform().name("pool-server-acceptor").daemon(true).factory());
        this.threads = config.poolThreads();
    }

    @Override
    public int maxRunning() {
        return threads;
    }
}
