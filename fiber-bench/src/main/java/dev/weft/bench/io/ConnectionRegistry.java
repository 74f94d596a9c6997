package dev.weft.bench.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The open connections of one server: admission against the connection limit, the handler's life
 * around the protocol ({@link #dispatch}), and the set that {@link #closeAll()} closes at
 * shutdown. Shared by the three server kinds, whose accept loops differ only in the socket type
 * and in what runs a handler.
 *
 * <p>Admission counts first and backs out if over the limit, so the count never stays above the
 * limit and two racing accepts cannot both take the last place.
 *
 * <p>Shutdown race: an accept loop may admit a connection while the server closes. {@link #admit}
 * adds to the set and then reads {@code closed}; {@link #closeAll} writes {@code closed} and then
 * walks the set. Both the set's insertion and {@code closed} are volatile accesses, so (a Dekker
 * pair) either {@code admit} sees {@code closed} and closes the connection itself, or
 * {@code closeAll} sees the connection in the set: none is left open.
 */
final class ConnectionRegistry {
    private final int limit;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile boolean closed;

    ConnectionRegistry(int limit) {
        this.limit = limit;
    }

    /**
     * Takes {@code connection} in if there is room and the server is open; otherwise closes it.
     *
     * @return whether it was taken in (then the caller must {@link #release} it when done)
     */
    boolean admit(Closeable connection) {
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            refused.increment();
            closeQuietly(connection);
            return false;
        }
        open.add(connection);
        if (closed) {
            release(connection);
            closeQuietly(connection);
            return false;
        }
        accepted.increment();
        return true;
    }

    /**
     * What every server kind does with an accepted connection: {@link #admit} it, and start a
     * handler for it with {@code launcher} (a fiber, a virtual thread, a pool thread) that runs
     * {@code protocol} on it until it ends, then closes and {@link #release}s it. A launcher that
     * refuses (the server is closing) gets the connection closed and released here.
     */
    void dispatch(Connection connection, Executor launcher, Protocol protocol, ServerConfig config) {
        if (!admit(connection)) {
            return;
        }
        try {
            launcher.execute(() -> serve(connection, protocol, config));
        } catch (RejectedExecutionException closing) {
            release(connection);
            closeQuietly(connection);
        }
    }

    /** A handler's life: serve, then close and release, counted in {@link ServerStats#running()} meanwhile. */
    private void serve(Connection connection, Protocol protocol, ServerConfig config) {
        handlerStarted();
        try {
            protocol.serve(connection, config);
        } catch (IOException peerGoneOrClosing) {
            // Reset by the peer, timed out, or closed by closeAll(): either way this connection is
            // done. Anything else is a bug and goes to the uncaught-exception handler.
        } finally {
            closeQuietly(connection);
            release(connection);
            handlerEnded();
        }
    }

    /** Forgets an admitted connection (after its handler closed it). Idempotent. */
    void release(Closeable connection) {
        if (open.remove(connection)) {
            count.decrementAndGet();
        }
    }

    /** Counts a handler that started serving (for {@link ServerStats#running()}). */
    private void handlerStarted() {
        running.incrementAndGet();
    }

    private void handlerEnded() {
        running.decrementAndGet();
    }

    /** Refuses every later admission and closes every open connection, which ends their handlers. */
    void closeAll() {
        closed = true;
        for (Closeable c : open) {
            closeQuietly(c);
        }
    }

    ServerStats stats() {
        return new ServerStats(count.get(), running.get(), accepted.sum(), refused.sum());
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }
}
