package dev.weft.fiber.impl.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A strand waiting in one of a {@link WeftChannel}'s two queues (senders or receivers): an
 * intrusive node of a {@link WaiterQueue}, carrying the strand to wake, the item being handed
 * over, and how the wait ended.
 *
 * <h2>Two kinds of node</h2>
 * <ul>
 *   <li>A <b>plain</b> node ({@link #selection} null) stands for a {@code send} or {@code receive}.
 *       It is reused: each fiber owns one (in {@code FiberImpl.channelNode}) and each thread one
 *       (a thread local), so that a blocking operation allocates nothing. Its outcome is
 *       {@link #state}.</li>
 *   <li>A <b>select</b> node stands for one channel clause of one {@link ChannelSelect select}; the
 *       select makes one per clause, all sharing one {@link Selection}, whose single CAS decides
 *       which of them (if any) takes effect.</li>
 * </ul>
 *
 * <h2>State of a plain node</h2>
 * <pre>
 *   WAITING --(matcher: item handed over or taken)--&gt; DONE
 *   WAITING --(close)------------------------------&gt; CLOSED
 *   WAITING --(its own strand: interrupt, cancel, time-out)--&gt; CANCELLED
 * </pre>
 * Every transition of a plain node happens under the lock of the channel whose queue holds it,
 * and the node leaves the queue in the same critical section. So a matcher and a canceller never
 * race on it: whoever takes the lock first decides, and the other sees a terminal state (the
 * canceller) or no longer finds the node (the matcher). That is why a release store is enough here
 * where a lock-free design needs a CAS. The owner reads the state without the lock
 * ({@link #stateAcquire()}) to learn that it can stop parking; the release store of the terminal
 * state publishes {@link #item}, written just before it.
 *
 * <h2>Select nodes</h2>
 * Nodes of one select sit in the queues of several channels, each guarded by its own lock, so
 * two matchers (or a matcher and the selecting strand's time-out) may race for the same select:
 * {@link Selection#tryWin} is a CAS. The matcher writes the node's item (or closed flag) first, then
 * CASes; the CAS is a release and the selector's read of the winner an acquire, which publishes
 * them. A matcher that loses the CAS takes its write back and goes on to the next waiter; the node
 * it dropped is garbage (the select removes its other nodes itself before it returns).
 *
 * <p>The queue links ({@link #prev}, {@link #next}, {@link #queued}) are guarded by the lock of the
 * channel whose queue holds the node.
 */
final class Waiter {
    static final int WAITING = 0;
    static final int DONE = 1;
    static final int CLOSED = 2;
    static final int CANCELLED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The select this node belongs to, or null for a plain node. */
    final Selection selection;
    /** The clause this select node stands for; null for a plain node. */
    final ChannelClause<?, ?> clause;

    /** The strand to wake: set before each enqueue of a plain node, fixed for a select node. */
    Object strand;
    /**
     * A sender's node: the item it offers (written before the enqueue, under the lock). A
     * receiver's node: the item handed to it (written by the matcher before the terminal state).
     */
    Object item;
    /** Select nodes only: the clause ended because the channel closed. Written before the winning CAS. */
    boolean closed;

    /** Plain nodes only; see the table in the class comment. */
    private volatile int state;

    Waiter prev;
    Waiter next;
    boolean queued;

    /** A plain node, reused by its owner strand for one operation after another. */
    Waiter() {
        this.selection = null;
        this.clause = null;
    }

    /** A node for one channel clause of a select. */
    Waiter(Selection selection, ChannelClause<?, ?> clause, Object item) {
        this.selection = selection;
        this.clause = clause;
        this.strand = selection.strand;
        this.item = item;
    }

    /**
     * Readies a plain node for a new wait; called by its owner under the lock of the channel it is
     * about to enqueue in. The previous wait has ended, and no matcher still refers to the node
     * (it left its queue under that channel's lock before the previous operation returned).
     */
    void prepare(Object self, Object offered) {
        assert selection == null && !queued;
        strand = self;
        item = offered;
        STATE.set(this, WAITING); // plain: matchers read it under the channel lock the caller holds
    }

    /** The outcome of a plain node, read by its owner without the lock; pairs with the release stores below. */
    int stateAcquire() {
        return (int) STATE.getAcquire(this);
    }

    /**
     * A matcher hands {@code x} to this receiver node, which it has just taken out of its queue
     * (under the channel's lock).
     *
     * @return true if the node took it; false if it was a select node whose select had already
     *         ended otherwise (the caller keeps {@code x})
     */
    boolean tryHandOver(Object x) {
        item = x;
        if (selection == null) {
            STATE.setRelease(this, DONE); // pairs with stateAcquire() in the owner
            return true;
        }
        if (selection.tryWin(this)) {
            return true;
        }
        item = null;
        return false;
    }

    /**
     * A matcher takes this sender node's item ({@link #item}, read by the caller before) having
     * just taken the node out of its queue (under the channel's lock).
     *
     * @return true if the item is the caller's now; false for a select node whose select had
     *         already ended otherwise
     */
    boolean tryTake() {
        if (selection == null) {
            STATE.setRelease(this, DONE);
            return true;
        }
        return selection.tryWin(this);
    }

    /**
     * The channel closes under this node, just taken out of its queue.
     *
     * @return true if the node's wait ends with the close; false for a select node whose select had
     *         already ended otherwise
     */
    boolean tryClose() {
        if (selection == null) {
            STATE.setRelease(this, CLOSED);
            return true;
        }
        closed = true;
        if (selection.tryWin(this)) {
            return true;
        }
        closed = false;
        return false;
    }

    /** The owner gives up the wait of this plain node, still WAITING; under the lock, which it has just taken out of its queue under. */
    void cancelLocked() {
        assert selection == null && state == WAITING;
        STATE.set(this, CANCELLED);
    }

    /** The plain node's state, read under the channel's lock (which orders it: no acquire needed). */
    int stateLocked() {
        return (int) STATE.get(this);
    }

    /** Whether this node stands for a receive (true) or a send (false); select nodes only. */
    boolean isReceive() {
        return clause.isReceive();
    }
}
