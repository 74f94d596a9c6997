package dev.weft.fiber.impl.io;

import dev.weft.fiber.impl.core.Strand;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One poller: a {@link Selector} and the daemon thread that selects on it, turning readiness into
 * {@link Strand#unpark unparks} of the strands that wait on its channels.
 *
 * <h2>Implementation overview</h2>
 * Every {@link PolledChannel} is registered with one poller for its whole life, at open, with an
 * empty interest set and itself as the key's attachment. A strand whose operation would block
 * records itself in the channel's waiter slot, adds the operation to the key's interest set
 * ({@link SelectionKey#interestOpsOr}, atomic) and calls {@link #wakeup()}; then it parks. The
 * poller thread loops in {@link Selector#select(Consumer)}: for each ready key it removes the
 * ready operations from the interest set ({@link SelectionKey#interestOpsAnd}) and then unparks
 * the waiters of those operations. The selector is level-triggered (epoll on Linux), so readiness
 * that arrived before the interest was registered is reported by the next select: no wake-up is
 * lost between a strand's failed non-blocking attempt and its registration.
 *
 * <p><b>Registration never stalls the selector.</b> Since JDK 11 (read in JDK 25's {@code sun.nio.ch.SelectorImpl}),
 * neither {@code register} nor a change of interest ops takes the selector's lock,
 * which {@code select} holds while it blocks: a change goes to the selector's update queue
 * (under a short lock of its own) and takes effect at the start of the next select. That is why
 * a registering strand wakes the selector: without the wake-up, a select already blocked would
 * not see the new interest until something else woke it. {@code Selector.wakeup()} makes one
 * system call per select round at most (later calls see the wake-up pending), and no strand ever
 * waits for the poller thread to register it.
 *
 * <p><b>Who touches what.</b> The key's interest set: waiting strands (OR in an operation) and
 * the poller thread (AND out the ready ones), both atomic. Waiter slots: see
 * {@link PolledChannel}. The selected-key set is never used ({@code select(Consumer)} hands each
 * ready key to {@link #dispatch} directly, without allocating).
 *
 * <p><b>Closing a channel releases its descriptor synchronously.</b> A registered channel's
 * socket is closed by the JDK only when its cancelled key is deregistered, at the start of some
 * later select on this selector. {@link #flush} makes that prompt and observable: the closing
 * strand queues a request, wakes the selector and parks; the poller thread takes every queued
 * request before a {@link Selector#selectNow} (which deregisters every key cancelled so far,
 * closing their sockets) and unparks their strands after it. So when {@code close()} returns, the
 * descriptor is closed and the peer has seen the FIN (or, with {@code SO_LINGER} 0, the reset).
 *
 * <p><b>Life cycle.</b> {@link Pollers} starts a poller when a channel needs one and there is
 * none in its slot, counts the channels registered with it, and {@link #retire() retires} it when
 * the last one closes: {@link Selector#close()} deregisters whatever is left, releases the
 * selector's own descriptors and ends the select in progress, and the thread ends. The thread is
 * a daemon, so a poller with channels still open does not keep the JVM alive.
 */
final class Poller implements Runnable {
    private static final System.Logger LOG = System.getLogger(Poller.class.getName());

    /** The slot of {@link Pollers} this poller occupies. */
    final int slot;
    /** Channels registered and not yet released: read and written only under {@link Pollers}' lock. */
    int channels;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<FlushRequest> flushes = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> dispatch = Poller::dispatch;

    private Poller(int slot, Selector selector) {
        this.slot = slot;
        this.selector = selector;
        this.thread = Thread.ofPlatform().name("weft-io-poller-" + slot).daemon(true).unstarted(this);
    }

    /** Opens a selector and starts its thread. */
    static Poller start(int slot) throws IOException {
        Poller p = new Poller(slot, Selector.open());
        p.thread.start();
        return p;
    }

    /**
     * Registers {@code channel} (non-blocking) with an empty interest set; callable from any
     * thread while the poller is counted for it. Does not wait for the select in progress.
     */
    SelectionKey register(SelectableChannel channel, PolledChannel attachment) throws ClosedChannelException {
        return channel.register(selector, 0, attachment);
    }

    /** Makes the select in progress (or the next one) return, so that it sees new interest. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Waits until the poller has deregistered every key cancelled before this call (closing the
     * sockets of channels already closed). Ignores cancellation and interrupts while it waits (an
     * interrupt status is set again before it returns): a close must complete. Not for the
     * poller thread itself.
     */
    void flush(Object self) {
        FlushRequest request = new FlushRequest(self);
        flushes.add(request);
        selector.wakeup(); // after the add: a select that has taken no request yet returns and takes it
        boolean interrupted = false;
        while (!request.done && thread.isAlive()) {
            if (Strand.interrupted(self)) {
                interrupted = true; // a set status would make every park return at once
            }
            Strand.parkIgnoringCancel(self, 0, request);
        }
        if (interrupted) {
            Strand.reinterrupt(self);
        }
    }

    /**
     * Closes the selector: every key still registered is deregistered (and the sockets of closed
     * channels released) before this returns, and the thread ends. Called once, by the strand
     * that released the last channel (so no strand waits on this poller any more).
     */
    void retire() {
        try {
            OutOfLineCalls.close(selector); // it closes channels, taking their locks: see OutOfLineCalls
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Weft: closing the I/O poller's selector failed", e);
        }
    }

    /** Registered keys, cancelled ones not yet flushed included (diagnostics and tests). */
    int registeredKeys() {
        try {
            return selector.keys().size();
        } catch (ClosedSelectorException e) {
            return 0;
        }
    }

    /** The registered keys, their interest and waiters (diagnostics and test failure messages). */
    String describe() {
        StringBuilder sb = new StringBuilder("poller ").append(slot).append(" (").append(channels).append(" channels):");
        try {
            for (SelectionKey k : selector.keys()) {
                sb.append("\n  ").append(k.attachment()).append(" valid=").append(k.isValid());
                try {
                    sb.append(" interest=").append(k.interestOps());
                } catch (CancelledKeyException e) {
                    sb.append(" cancelled");
                }
            }
        } catch (ClosedSelectorException e) {
            sb.append(" closed");
        }
        return sb.toString();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void run() {
        List<FlushRequest> taken = new ArrayList<>();
        try {
            while (true) {
                try {
                    FlushRequest r;
                    while ((r = flushes.poll()) != null) {
                        taken.add(r);
                    }
                    if (taken.isEmpty()) {
                        selector.select(dispatch);
                    } else {
                        // deregisters every key cancelled before the requests were queued (a
                        // channel is closed, which cancels its key, before its flush is queued)
                        selector.selectNow(dispatch);
                        complete(taken);
                    }
                } catch (ClosedSelectorException retired) {
                    return;
                } catch (IOException | RuntimeException e) {
                    if (!selector.isOpen()) {
                        return;
                    }
                    // epoll_wait does not fail in normal operation; keep serving rather than
                    // strand every waiter, but do not spin on a persistent failure
                    LOG.log(System.Logger.Level.ERROR, "Weft: I/O poller select failed", e);
                    pause();
                }
            }
        } finally {
            // retired: Selector.close() has deregistered everything; nobody may wait for a flush
            FlushRequest r;
            while ((r = flushes.poll()) != null) {
                taken.add(r);
            }
            complete(taken);
        }
    }

    private static void complete(List<FlushRequest> taken) {
        for (FlushRequest r : taken) {
            r.done = true; // volatile write, then unpark: the waiter re-reads it after each park
            Strand.unpark(r.strand);
        }
        taken.clear();
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Called by the poller thread, inside select, for each key with a ready operation it is
     * interested in (package-private for {@code PollerDispatchTest}). Never throws for a key
     * cancelled meanwhile: an exception here would end the select round with the other ready keys
     * of the round not dispatched.
     */
    static void dispatch(SelectionKey key) {
        int ready;
        try {
            // Both calls throw once the key is cancelled, which a closing strand may do at any
            // moment, also between the select that reported the key and this call.
            ready = key.readyOps();
            // Clear interest first, then take the waiters (PolledChannel#onReady): a strand that
            // registers again after this sees its interest kept and is woken by the next select.
            key.interestOpsAnd(~ready);
        } catch (CancelledKeyException closing) {
            // The channel is being closed: its closer sets `closed` and then wakes every waiter
            // (PolledChannel#close), so nobody waits for this readiness.
            return;
        }
        ((PolledChannel) key.attachment()).onReady(ready);
    }

    /** A strand waiting in {@link #flush}. */
    private static final class FlushRequest {
        final Object strand;
        volatile boolean done;

        FlushRequest(Object strand) {
            this.strand = strand;
        }
    }
}
