package dev.weft.fiber.impl.channel;

import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.SelectClause;
import dev.weft.fiber.impl.core.Strand;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code Select.select} and {@code Select.selectOrdered} over {@link WeftChannel}s.
 *
 * <h2>Implementation overview</h2>
 * <ol>
 *   <li><b>Check</b> the clauses: at least one, each made by Weft, no clause object twice, at most
 *       one time-out and one default.</li>
 *   <li><b>Lock</b> every distinct channel of the clauses, in increasing {@link WeftChannel#id}
 *       order (so two selects, or a select and a plain operation, cannot deadlock: a plain
 *       operation holds one lock only).</li>
 *   <li><b>Try</b> each channel clause without waiting, in a random order (a fresh permutation per
 *       select, so each ready clause is equally likely to win, the last one included), or in the
 *       given order for {@code selectOrdered}. The first that can complete does, under the locks:
 *       a receive takes an item or learns that the channel is closed and drained, a send hands over
 *       or buffers its item or learns that the channel is closed. If none can, a default clause (or a
 *       time-out of zero) is chosen.</li>
 *   <li>Otherwise <b>register</b>: one {@link Waiter} node per channel clause, all sharing one
 *       {@link Selection}, enqueued in clause order while every lock is still held. So no other
 *       strand ever sees half a select: once any node is visible, all are, and the selection is
 *       undecided. Then unlock and park.</li>
 *   <li>A matcher (a plain operation, another select in step 3, or a close) that dequeues one of
 *       the nodes decides the selection with its CAS ({@link Selection#tryWin}) and wakes the
 *       selector. An interrupt, a cancel or the time-out makes the selector try
 *       {@link Selection#tryCancel}; if that fails, a clause won first and the select completes
 *       with it (with the interrupt status set again; a cancelled fiber completes too, as a plain
 *       receive does, so that no item is lost, and its sticky cancel flag fires at its next
 *       suspension).</li>
 *   <li><b>Clean up</b>: every node but the winner is taken out of its queue, channel by channel,
 *       before the select returns or throws, so no waiter is left behind. (A matcher that meets
 *       such a node first drops it: its selection is decided.) Then the chosen clause's action
 *       runs, with no lock held.</li>
 * </ol>
 * A select from step 3 may match a node of another, waiting select: it CASes that selection; its
 * own cannot be contended because none of its nodes is visible yet. A select never matches itself
 * (its nodes are enqueued after its try pass), so a send and a receive on one rendezvous channel
 * in the same select wait for other strands.
 *
 * <p>Cost: a waiting select allocates its nodes, a selection, and two small arrays; the plain
 * operations are the zero-allocation path.
 */
final class ChannelSelect {
    private ChannelSelect() {
    }

    static <R> R select(List<? extends SelectClause<? extends R>> clauses, boolean ordered) throws InterruptedException {
        int n = clauses.size();
        if (n == 0) {
            throw new IllegalArgumentException("a select needs at least one clause");
        }
        ChannelClause<?, ?>[] ops = new ChannelClause<?, ?>[n];
        int nOps = 0;
        TimeoutClause<? extends R> timeout = null;
        DefaultClause<? extends R> fallback = null;
        int timeoutAt = -1;
        int fallbackAt = -1;
        for (int i = 0; i < n; i++) {
            SelectClause<? extends R> c = clauses.get(i);
            for (int j = 0; j < i; j++) {
                if (clauses.get(j) == c) {
                    throw new IllegalArgumentException("the same clause appears twice in one select (at "
                            + j + " and " + i + "): " + c);
                }
            }
            switch (c) {
                case ChannelClause<?, ?> op -> ops[nOps++] = op;
                case TimeoutClause<? extends R> t -> {
                    if (timeout != null) {
                        throw new IllegalArgumentException("a select takes at most one onTimeout clause, got "
                                + timeout + " and " + t);
                    }
                    timeout = t;
                    timeoutAt = i;
                }
                case DefaultClause<? extends R> d -> {
                    if (fallback != null) {
                        throw new IllegalArgumentException("a select takes at most one onDefault clause, got two");
                    }
                    fallback = d;
                    fallbackAt = i;
                }
                default -> throw new IllegalArgumentException("not a clause made by Weft's Channel.onReceive/onSend or "
                        + "Select.onTimeout/onDefault: " + c.getClass().getName());
            }
        }

        WeftChannel<?>[] locks = distinctChannelsById(ops, nOps);
        int[] order = order(nOps, ordered);
        Selection selection = null;
        Waiter[] nodes = null;
        ChannelClause<?, ?> chosen = null;
        Object outcome = null;
        lockAll(locks);
        try {
            for (int k = 0; k < nOps; k++) {
                ChannelClause<?, ?> op = ops[order[k]];
                Object r = op.tryLocked();
                if (r != null) {
                    chosen = op;
                    outcome = r;
                    break;
                }
            }
            boolean immediate = fallback != null || (timeout != null && timeout.nanos == 0L);
            if (chosen == null && !immediate) {
                selection = new Selection(Strand.current());
                nodes = new Waiter[nOps];
                for (int i = 0; i < nOps; i++) {
                    nodes[i] = new Waiter(selection, ops[i], ops[i].offered());
                    ops[i].channel.enqueueLocked(nodes[i]);
                }
            }
        } finally {
            unlockAll(locks); // wakes the strand the chosen clause matched, if any
        }
        if (chosen != null) {
            return complete(chosen, outcome);
        }
        if (selection == null) {
            return immediateAction(timeout, timeoutAt, fallback, fallbackAt, ordered);
        }
        return await(selection, nodes, timeout);
    }

    /** A default clause, or a time-out of zero, when no channel clause can complete at once. */
    private static <R> R immediateAction(TimeoutClause<? extends R> timeout, int timeoutAt,
                                         DefaultClause<? extends R> fallback, int fallbackAt, boolean ordered) {
        boolean timeoutReady = timeout != null && timeout.nanos == 0L;
        if (fallback != null && timeoutReady) {
            boolean timeoutWins = ordered ? timeoutAt < fallbackAt : Strand.random(Strand.current()).nextBoolean();
            return timeoutWins ? timeout.action.get() : fallback.action.get();
        }
        return fallback != null ? fallback.action.get() : timeout.action.get();
    }

    private static <R> R await(Selection selection, Waiter[] nodes, TimeoutClause<? extends R> timeout)
            throws InterruptedException {
        Object self = selection.strand;
        boolean timed = timeout != null;
        long deadline = timed ? Strand.nanoTime(self) + timeout.nanos : 0L;
        boolean reinterrupt = false;
        boolean timedOut = false;
        Waiter won = null;
        try {
            for (;;) {
                won = selection.winnerAcquire();
                if (won != null) {
                    break;
                }
                if (WeftChannel.isInterrupted(self)) {
                    Strand.interrupted(self);
                    if (selection.tryCancel()) {
                        removeAll(nodes);
                        throw new InterruptedException("interrupted while waiting in a select");
                    }
                    reinterrupt = true; // a clause won first: complete with it, status set again
                    continue;
                }
                long wait = 0L;
                if (timed) {
                    wait = deadline - Strand.nanoTime(self);
                    if (wait <= 0L) {
                        if (selection.tryCancel()) {
                            // The action runs after this try, as every clause's action does: what it
                            // throws (a FiberCancelledException from a suspension point in it, say)
                            // is the user's, not a cancel of this wait, which has already ended.
                            timedOut = true;
                            break;
                        }
                        continue;
                    }
                }
                Strand.park(self, wait, selection);
            }
        } catch (FiberCancelledException e) {
            if (selection.tryCancel()) {
                removeAll(nodes);
                throw e;
            }
            won = selection.winnerAcquire(); // decided first: complete, see the class comment
        } catch (RuntimeException | Error e) { // nothing else is expected from a park; leave no waiter behind
            selection.tryCancel();
            removeAll(nodes);
            throw e;
        }
        removeAll(nodes);
        if (timedOut) {
            return timeout.action.get();
        }
        if (reinterrupt) {
            Strand.reinterrupt(self);
        }
        ChannelClause<?, ?> clause = won.clause;
        return complete(clause, clause.outcomeOf(won));
    }

    @SuppressWarnings("unchecked")
    private static <R> R complete(ChannelClause<?, ?> clause, Object outcome) {
        return (R) clause.complete(outcome);
    }

    /** Takes every still-queued node out of its channel (the winner has been dequeued by its matcher). */
    private static void removeAll(Waiter[] nodes) {
        for (Waiter w : nodes) {
            w.clause.channel.removeIfQueued(w);
        }
    }

    /** The channels of the clauses, each once, in increasing id: the lock order. */
    private static WeftChannel<?>[] distinctChannelsById(ChannelClause<?, ?>[] ops, int nOps) {
        WeftChannel<?>[] cs = new WeftChannel<?>[nOps];
        int m = 0;
        next:
        for (int i = 0; i < nOps; i++) {
            WeftChannel<?> c = ops[i].channel;
            for (int j = 0; j < m; j++) {
                if (cs[j] == c) {
                    continue next; // a receive and a send on one channel: one lock
                }
            }
            int k = m++;
            for (; k > 0 && cs[k - 1].id > c.id; k--) {
                cs[k] = cs[k - 1];
            }
            cs[k] = c;
        }
        if (m < nOps) {
            WeftChannel<?>[] trimmed = new WeftChannel<?>[m];
            System.arraycopy(cs, 0, trimmed, 0, m);
            return trimmed;
        }
        return cs;
    }

    /** The order of the try pass: the given one, or a uniformly random permutation (Fisher-Yates). */
    private static int[] order(int n, boolean ordered) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        if (!ordered && n > 1) {
            // The scheduler's source: a deterministic scheduler's is seeded, so the pick repeats with the seed.
            RandomGenerator rnd = Strand.random(Strand.current());
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
        }
        return o;
    }

    private static void lockAll(WeftChannel<?>[] locks) {
        for (WeftChannel<?> c : locks) {
            c.lock();
        }
    }

    private static void unlockAll(WeftChannel<?>[] locks) {
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].unlockAndWake();
        }
    }
}
