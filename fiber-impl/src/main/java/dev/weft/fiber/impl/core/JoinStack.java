package dev.weft.fiber.impl.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The joiners of a fiber: a Treiber stack of {@link Waiter}s in the fiber's {@code waiters}
 * field, pushed by {@code join}/{@code get} and woken all at once when the fiber terminates. The
 * stack lives in {@link FiberImpl}'s field, not in an object of its own, so that a fiber nobody
 * joins pays one reference for it; this class holds the logic.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The field holds null (no joiner yet), the head {@code Waiter}, or {@link #NO_MORE_WAITERS}
 *       once the fiber has terminated. Termination swaps in {@code NO_MORE_WAITERS}
 *       ({@code getAndSet}) after the outcome and {@code state = TERMINATED} are published, and
 *       wakes every node it took; a push CASes a node onto a head that is not
 *       {@code NO_MORE_WAITERS}, so a push either lands before the swap (and is woken) or fails
 *       (and the joiner sees the fiber terminated). No joiner is lost.</li>
 *   <li>Nodes are only ever inserted at the head. A joiner that stops waiting (time-out,
 *       interrupt, cancel) marks its node {@link Waiter#abandoned} and unlinks abandoned nodes
 *       ({@link #abandon}), so a joiner polling with short time-outs does not pile nodes up.</li>
 *   <li>The swap drops the whole stack: a terminated fiber keeps no joiner reachable.</li>
 * </ul>
 */
final class JoinStack {
    private static final VarHandle WAITERS;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(FiberImpl.class, "waiters", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks a terminated fiber's stack: no waiter may be added after it. */
    private static final Object NO_MORE_WAITERS = new Object();

    private JoinStack() {
    }

    /** Pushes a waiter on {@code fiber}'s stack; false if the fiber has already terminated. */
    static boolean push(FiberImpl<?> fiber, Waiter node) {
        while (true) {
            Object head = fiber.waiters;
            if (head == NO_MORE_WAITERS) {
                return false;
            }
            node.next = (Waiter) head;
            if (WAITERS.compareAndSet(fiber, head, node)) {
                return true;
            }
        }
    }

    /**
     * Closes {@code fiber}'s stack and wakes every joiner that has not abandoned its wait; called
     * once, by the terminating fiber's carrier ({@code carrierSelf}, so that a woken fiber is
     * resubmitted without a thread lookup) or, for a fiber that never ran, by {@code start()}
     * ({@code carrierSelf} null).
     */
    static void closeAndWake(FiberImpl<?> fiber, Thread carrierSelf) {
        Object w = WAITERS.getAndSet(fiber, NO_MORE_WAITERS);
        for (Waiter n = w instanceof Waiter first ? first : null; n != null; n = n.next) {
            if (!n.abandoned) {
                n.wake(carrierSelf);
            }
        }
    }

    /**
     * Marks {@code node} abandoned and unlinks abandoned nodes: those at the head by CAS (pushes
     * race there), those inside the stack by relinking. An interior unlink can race with another
     * one and leave an abandoned node in place, but never drops a live node: nodes are only ever
     * inserted at the head, so the successor a relink installs is always a node that was there.
     * Termination skips abandoned nodes, so a leftover costs memory until then, nothing else.
     */
    static void abandon(FiberImpl<?> fiber, Waiter node) {
        node.abandoned = true;
        while (true) {
            if (!(fiber.waiters instanceof Waiter head)) {
                return; // terminated: the stack is gone
            }
            if (head.abandoned) {
                WAITERS.compareAndSet(fiber, head, head.next);
                continue;
            }
            Waiter prev = head;
            for (Waiter n = head.next; n != null; n = n.next) {
                if (n.abandoned) {
                    prev.next = n.next;
                } else {
                    prev = n;
                }
            }
            return;
        }
    }

    /** A joiner: a fiber or a thread. */
    abstract static sealed class Waiter permits FiberWaiter, ThreadWaiter {
        /** Written by pushes (before the publishing CAS) and by unlinks; racy reads are benign, see {@link #abandon}. */
        volatile Waiter next;
        /** Set once its joiner stopped waiting; such a node is skipped and unlinked. */
        volatile boolean abandoned;

        /** @param carrierSelf the calling carrier if the caller is on a carrier's own stack, else null */
        abstract void wake(Thread carrierSelf);
    }

    /** A joining fiber, woken by {@link FiberImpl#unpark}. */
    static final class FiberWaiter extends Waiter {
        private final FiberImpl<?> fiber;

        FiberWaiter(FiberImpl<?> fiber) {
            this.fiber = fiber;
        }

        @Override
        void wake(Thread carrierSelf) {
            fiber.unpark(carrierSelf);
        }
    }

    /** A joining platform or virtual thread, woken by {@link LockSupport#unpark}. */
    static final class ThreadWaiter extends Waiter {
        private final Thread thread;

        ThreadWaiter(Thread thread) {
            this.thread = thread;
        }

        @Override
        void wake(Thread carrierSelf) {
            LockSupport.unpark(thread);
        }
    }
}
