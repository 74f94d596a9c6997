package dev.weft.bench.io;

/**
 * A running demo server (echo or HTTP) at 127.0.0.1. {@link #close()} stops accepting, closes
 * every open connection and waits (boundedly) for every handler to end.
 */
interface DemoServer extends AutoCloseable {

    /** The port it listens on. */
    int port();

    /** Its connections now. */
    ServerStats stats();

    /** The most handlers that can run at once (the pool's size, or no bound). */
    default int maxRunning() {
        return Integer.MAX_VALUE;
    }

    @Override
    void close();
}
