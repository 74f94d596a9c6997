package dev.weft.bench.io;

import java.time.Duration;
import java.util.Objects;

/**
 * What every demo server is told, whatever its kind.
 *
 * @param port the port to listen on at 127.0.0.1 (0: any free one)
 * @param backlog the listen backlog (the kernel caps it at {@code net.core.somaxconn})
 * @param connectionLimit the most connections open at once; one more is accepted and closed at
 *        once, so waiting clients never queue without bound inside the server
 * @param idleTimeout how long a connection may stay silent between requests (or, for echo,
 *        between reads) before the server closes it
 * @param headTimeout how long an HTTP request head may take to arrive, from its first byte: a
 *        client that trickles a byte a second (slowloris) is cut off when it runs out, even though
 *        each single read is quick
 * @param maxHeadBytes the largest HTTP request head (request line and headers); a larger one
 *        gets 431 and the connection is closed
 * @param poolThreads the number of threads of the {@link ThreadPoolServer} (ignored by the others)
 * @param carriers the carriers of the Weft scheduler of {@link WeftFiberServer} and of the
 *        virtual threads on Weft (ignored by the others)
 */
record ServerConfig(int port, int backlog, int connectionLimit, Duration idleTimeout, Duration headTimeout,
                    int maxHeadBytes, int poolThreads, int carriers) {

    ServerConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(headTimeout, "headTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (backlog < 1 || connectionLimit < 1 || maxHeadBytes < 64 || poolThreads < 1 || carriers < 1) {
            throw new IllegalArgumentException("backlog, connectionLimit, poolThreads and carriers must be positive, "
                    + "maxHeadBytes at least 64: " + this);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || headTimeout.isNegative() || headTimeout.isZero()) {
            throw new IllegalArgumentException("time-outs must be positive: " + this);
        }
    }

    /**
     * The defaults for the load runs: room for 16,000 connections (the process may open 20,000
     * files), 30 s idle, 10 s per request head, 8 KiB heads, 200 pool threads, one carrier per
     * processor.
     */
    static ServerConfig defaults(int port) {
        return new ServerConfig(port, 4096, 16_000, Duration.ofSeconds(30), Duration.ofSeconds(10), 8192, 200,
                Runtime.getRuntime().availableProcessors());
    }

    ServerConfig withConnectionLimit(int limit) {
        return new ServerConfig(port, backlog, limit, idleTimeout, headTimeout, maxHeadBytes, poolThreads, carriers);
    }

    ServerConfig withTimeouts(Duration idle, Duration head) {
        return new ServerConfig(port, backlog, connectionLimit, idle, head, maxHeadBytes, poolThreads, carriers);
    }

    ServerConfig withPoolThreads(int threads) {
        return new ServerConfig(port, backlog, connectionLimit, idleTimeout, headTimeout, maxHeadBytes, threads, carriers);
    }
}
