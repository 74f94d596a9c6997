package dev.weft.bench.io;

/**
 * A snapshot of a server's connections.
 *
 * @param open connections admitted and not yet closed (for the thread pool, also those whose
 *        handler waits in the pool's queue)
 * @param running handlers that are serving a connection right now
 * @param accepted connections admitted since start
 * @param refused connections closed at once because the limit was reached
 */
record ServerStats(int open, int running, long accepted, long refused) {
}
