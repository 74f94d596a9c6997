package dev.weft.fiber.impl.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one decision of one waiting select: which of its {@link Waiter} nodes takes effect, or that
 * none does (the select was interrupted, cancelled or timed out).
 *
 * <pre>
 *   null --(a matcher, under the lock of that node's channel: tryWin)--&gt; the winning Waiter
 *   null --(the selecting strand: tryCancel)--------------------------&gt; CANCELLED
 * </pre>
 * Exactly one CAS succeeds, once. The matcher writes what the winner needs (the item, the closed
 * flag) into the node before its CAS; the selector reads {@link #winnerAcquire()} and then the
 * node. Nodes of a decided select that are still queued are dropped by the next matcher that
 * meets them, or removed by the select itself before it returns.
 */
final class Selection {
    private static final Object CANCELLED = new Object();
    private static final VarHandle WINNER;

    static {
        try {
            WINNER = MethodHandles.lookup().findVarHandle(Selection.class, "winner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The selecting fiber or thread. */
    final Object strand;

    @SuppressWarnings("unused") // through WINNER
    private volatile Object winner;

    Selection(Object strand) {
        this.strand = strand;
    }

    /** A matcher's claim for {@code node}; the CAS's release publishes the node's fields written before it. */
    boolean tryWin(Waiter node) {
        return WINNER.compareAndSet(this, null, node);
    }

    /** The selecting strand gives up; false if a node won first. */
    boolean tryCancel() {
        return WINNER.compareAndSet(this, null, CANCELLED);
    }

    /** Whether the select is decided (a winner, or cancelled); read by matchers that meet one of its nodes. */
    boolean isDecided() {
        return WINNER.getAcquire(this) != null;
    }

    /**
     * The winning node, or null while undecided; pairs with the CAS of {@link #tryWin}. Called by
     * the selecting strand, which never calls it after its own successful {@link #tryCancel}.
     */
    Waiter winnerAcquire() {
        Object w = WINNER.getAcquire(this);
        assert w != CANCELLED;
        return (Waiter) w;
    }
}
