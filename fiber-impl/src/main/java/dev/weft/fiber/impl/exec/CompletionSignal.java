package dev.weft.fiber.impl.exec;

import dev.weft.fiber.impl.core.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A one-shot signal that fibers, virtual threads and platform threads wait for: a fiber suspends
 * (through {@link Strand}), a thread parks. The base of {@link TaskFuture} and the termination
 * signal of the executors.
 *
 * <p><b>Implementation.</b> {@link #waiters} is a Treiber stack of {@link Waiter}s, or
 * {@link #SIGNALLED} once {@link #signal()} has run; the swap to {@code SIGNALLED} is one
 * {@code getAndSet}, so a waiter either is on the stack the signaller took (and is unparked) or
 * sees {@code SIGNALLED} when it tries to push (and does not park). No lost wake-up: the waiter
 * pushes, then re-reads {@code waiters} before each park, and {@link Strand#unpark} before a park
 * is not lost. A waiter that gives up (time-out, interrupt, cancellation of its fiber) marks its
 * node abandoned and pops it if it is still the head; a node further down stays until the signal,
 * which skips it: bounded by the waits that gave up, and gone at the signal.
 *
 * <p>No locks and no {@code synchronized}: waiters park inside {@link #awaitSignal}.
 */
class CompletionSignal {
    private static final Object SIGNALLED = new Object();
    private static final VarHandle WAITERS;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(CompletionSignal.class, "waiters", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Waiter {
        final Object strand;
        Waiter next;          // written before the CAS that publishes the node
        volatile boolean abandoned;

        Waiter(Object strand) {
            this.strand = strand;
        }
    }

    /** null (no waiter), a {@link Waiter} (stack head), or {@link #SIGNALLED}. */
    private volatile Object waiters;

    final boolean isSignalled() {
        return waiters == SIGNALLED;
    }

    /** Releases every waiter, now and later. Idempotent; callable from anywhere. */
    final void signal() {
        Object h = WAITERS.getAndSet(this, SIGNALLED);
        for (Object w = h; w instanceof Waiter node; w = node.next) {
            if (!node.abandoned) {
                Strand.unpark(node.strand);
            }
        }
    }

    /**
     * Waits for {@link #signal()}.
     *
     * @param nanos the longest wait; negative: no limit
     * @return whether signalled (false: the time ran out)
     * @throws InterruptedException if the caller is interrupted while waiting (status cleared)
     */
    final boolean awaitSignal(long nanos) throws InterruptedException {
        if (waiters == SIGNALLED) {
            return true;
        }
        if (nanos == 0) {
            return false;
        }
        Object self = Strand.current();
        Waiter node = new Waiter(self);
        for (;;) {
            Object h = waiters;
            if (h == SIGNALLED) {
                return true;
            }
            node.next = (Waiter) h;
            if (WAITERS.compareAndSet(this, h, node)) {
                break;
            }
        }
        long deadline = nanos > 0 ? Strand.nanoTime(self) + nanos : 0L; // the waiter's clock (virtual in a deterministic run)
        boolean signalled = false;
        try {
            for (;;) {
                if (waiters == SIGNALLED) {
                    signalled = true;
                    return true;
                }
                if (Strand.interrupted(self)) {
                    throw new InterruptedException();
                }
                long wait = 0L;
                if (nanos > 0) {
                    wait = deadline - Strand.nanoTime(self);
                    if (wait <= 0) {
                        return false;
                    }
                }
                Strand.park(self, wait, this);
            }
        } finally {
            if (!signalled) {
                node.abandoned = true;
                WAITERS.compareAndSet(this, node, node.next); // pop it if still the head; else the signal skips it
            }
        }
    }
}
