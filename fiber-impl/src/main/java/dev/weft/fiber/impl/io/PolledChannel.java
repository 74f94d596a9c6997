package dev.weft.fiber.impl.io;

import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.core.Strand;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Set;

/**
 * What a socket and a server socket share: a non-blocking NIO channel registered with one
 * {@link Poller} for life, two waiter slots, the wait itself and close.
 *
 * <h2>Waiting</h2>
 * Each direction has one slot: {@link #inWaiter} for reads and accepts, {@link #outWaiter} for
 * writes and connects. The operations of one direction are serialized by the subclass (a
 * {@code FiberLock} per direction, as {@code SocketChannel} has a read lock and a write lock), so a
 * slot holds at most one strand. A strand whose non-blocking attempt made no progress calls
 * {@link #awaitReady}, which:
 * <ol>
 *   <li>writes itself into the slot (volatile);</li>
 *   <li>reads {@link #closed} (volatile) and leaves at once if the channel was closed;</li>
 *   <li>ORs the operation into the key's interest set and wakes the poller;</li>
 *   <li>parks (timed if there is a deadline), then clears the slot with a CAS from itself;</li>
 *   <li>reports an interrupt (closing the channel), a close, or a time-out, or returns so that
 *       the caller tries its operation again.</li>
 * </ol>
 *
 * <p><b>No lost wake-up.</b> Against readiness: the poller first ANDs the ready operations out of
 * the interest set, then takes the slot with {@code getAndSet(null)} and unparks what it found.
 * The strand writes the slot before it ORs its interest in. If the poller's AND comes after the
 * strand's OR, its take comes after the strand's slot write and finds it; if before, the
 * interest survives and the (level-triggered) selector reports the readiness again at its next
 * select, which the strand's wake-up starts. Against close: the closer writes {@code closed} and
 * then reads the slots; the strand writes its slot and then reads {@code closed}: a Dekker pair
 * of volatile accesses, so either the strand sees the close or the closer sees the strand and
 * unparks it. Unparks are permits: one that comes before the park is not lost.
 *
 * <p><b>Never half-registered.</b> A wait that ends by time-out, cancellation or interrupt
 * clears its slot itself (the CAS in the {@code finally}), so no later readiness unparks a strand
 * that has left. The interest it may leave in the key wakes the poller once at the next
 * readiness, which then finds the slot empty and drops the interest. A stale unpark the poller
 * sent just before the slot was cleared is a spurious wake-up for the strand's next park, which
 * every Weft waiter tolerates.
 *
 * <h2>Interrupts</h2>
 * As for the JDK's interruptible channels: a strand that is interrupted on entry to an operation,
 * or while parked in one, closes the channel and gets {@link ClosedByInterruptException}, its
 * interrupt status still set. A fiber's interrupt unparks it ({@code FiberImpl.interrupt}); a
 * thread's ends its {@code LockSupport.park}.
 */
abstract class PolledChannel {
    private static final VarHandle IN_WAITER;
    private static final VarHandle OUT_WAITER;
    private static final VarHandle CLOSED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IN_WAITER = l.findVarHandle(PolledChannel.class, "inWaiter", Object.class);
            OUT_WAITER = l.findVarHandle(PolledChannel.class, "outWaiter", Object.class);
            CLOSED = l.findVarHandle(PolledChannel.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Longest single time-out honoured, about 146 years: keeps {@code now + nanos} from overflowing. */
    static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE >> 2;

    private static final int IN_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int OUT_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    /** The channel, in non-blocking mode. */
    final SelectableChannel channel;
    private final Poller poller;
    private final SelectionKey key;

    /** The strand waiting for {@code OP_READ} or {@code OP_ACCEPT}, or null. */
    private volatile Object inWaiter;
    /** The strand waiting for {@code OP_WRITE} or {@code OP_CONNECT}, or null. */
    private volatile Object outWaiter;
    /** Set once, first thing in {@link #close()}; read by waiters after they fill their slot. */
    private volatile boolean closed;

    /**
     * Puts {@code channel} in non-blocking mode and registers it with a poller. On failure the
     * channel is closed.
     */
    PolledChannel(SelectableChannel channel) throws IOException {
        this.channel = channel;
        Poller p = null;
        SelectionKey k;
        try {
            OutOfLineCalls.configureNonBlocking(channel);
            p = Pollers.acquire();
            k = p.register(channel, this);
        } catch (IOException | RuntimeException | Error e) {
            try {
                OutOfLineCalls.close(channel);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (p != null && Pollers.release(p)) {
                p.retire();
            }
            throw e;
        }
        this.poller = p;
        this.key = k;
    }

    /**
     * Waits until the poller reports {@code op} ready on this channel (or spuriously); the caller
     * then retries its operation. Called by strand {@code self} holding this direction's lock.
     *
     * @param deadline the {@code System.nanoTime()} after which the wait fails; used only if {@code timed}
     * @throws SocketTimeoutException if the deadline has passed (the channel stays usable)
     * @throws ClosedByInterruptException if {@code self} is interrupted (the channel is closed)
     * @throws AsynchronousCloseException if the channel was closed
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled (the channel stays usable)
     */
    final void awaitReady(int op, boolean timed, long deadline, Object self) throws IOException {
        long nanos = 0L;
        if (timed) {
            nanos = deadline - System.nanoTime();
            if (nanos <= 0) {
                throw new SocketTimeoutException(timeoutMessage(op));
            }
        }
        VarHandle slot = (op & IN_OPS) != 0 ? IN_WAITER : OUT_WAITER;
        slot.setVolatile(this, self);
        try {
            if (!closed) { // after the slot write: see "No lost wake-up" (the close side)
                try {
                    key.interestOpsOr(op);
                } catch (CancelledKeyException racingClose) {
                    // closed meanwhile: the closer unparks this strand (it saw the slot) or already has
                }
                poller.wakeup();
                Strand.park(self, nanos, this);
            }
        } finally {
            slot.compareAndSet(this, self, null);
        }
        if (isInterrupted(self)) {
            throw closedByInterrupt();
        }
        if (closed) {
            throw new AsynchronousCloseException();
        }
    }

    /** Called by the poller thread with the ready operations of this channel's key. */
    final void onReady(int readyOps) {
        if ((readyOps & IN_OPS) != 0) {
            Object w = IN_WAITER.getAndSet(this, null);
            if (w != null) {
                Strand.unpark(w);
            }
        }
        if ((readyOps & OUT_OPS) != 0) {
            Object w = OUT_WAITER.getAndSet(this, null);
            if (w != null) {
                Strand.unpark(w);
            }
        }
    }

    /**
     * On entry to an operation: an interrupted caller closes the channel and gets
     * {@link ClosedByInterruptException}, as {@code AbstractInterruptibleChannel.begin()} does.
     */
    final void checkInterrupt(Object self) throws ClosedByInterruptException {
        if (isInterrupted(self)) {
            throw closedByInterrupt();
        }
    }

    private ClosedByInterruptException closedByInterrupt() {
        try {
            close();
        } catch (IOException ignored) {
            // the channel is closed as far as anyone can tell; the interrupt is what to report
        }
        return new ClosedByInterruptException();
    }

    /** Whether {@code self} (the caller) is interrupted, without clearing it. */
    static boolean isInterrupted(Object self) {
        return self instanceof FiberImpl<?> f ? f.isInterrupted() : ((Thread) self).isInterrupted();
    }

    /** {@code now + nanos} for a positive time-out, without overflow. */
    static long deadline(long nanos) {
        return System.nanoTime() + Math.min(nanos, MAX_TIMEOUT_NANOS);
    }

    private static String timeoutMessage(int op) {
        return switch (op) {
            case SelectionKey.OP_READ -> "Read timed out";
            case SelectionKey.OP_WRITE -> "Write timed out";
            case SelectionKey.OP_ACCEPT -> "Accept timed out";
            default -> "Connect timed out";
        };
    }

    /**
     * Closes the channel: wakes its waiters (they end with {@link AsynchronousCloseException}),
     * waits until the poller has deregistered its key (so the socket is closed when this
     * returns), and releases the poller, retiring it if this was its last channel. Idempotent;
     * callable from any strand, also a cancelled or interrupted one.
     */
    public final void close() throws IOException {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        IOException failure = null;
        try {
            OutOfLineCalls.close(channel); // cancels the key; the socket is closed when the poller deregisters it
        } catch (IOException e) {
            failure = e;
        }
        onReady(IN_OPS | OUT_OPS); // after closed = true: see "No lost wake-up" (the waiter side)
        poller.flush(Strand.current());
        if (Pollers.release(poller)) {
            poller.retire();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + channel + (closed ? " closed" : "")
                + " in=" + Strand.describe(inWaiter) + " out=" + Strand.describe(outWaiter) + "]";
    }

    public final boolean isOpen() {
        return !closed;
    }

    /** Sets an option, as the channel does; the channel must be a {@link NetworkChannel}. */
    public final <T> void setOption(SocketOption<T> name, T value) throws IOException {
        ((NetworkChannel) channel).setOption(name, value);
    }

    public final <T> T getOption(SocketOption<T> name) throws IOException {
        return ((NetworkChannel) channel).getOption(name);
    }

    public final Set<SocketOption<?>> supportedOptions() {
        return ((NetworkChannel) channel).supportedOptions();
    }
}
