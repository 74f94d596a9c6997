package dev.weft.fiber.impl.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The carrier thread a fiber is mounted on ({@link FiberImpl}'s {@code carrier} field), and the
 * protocol that lets an interrupt reach that carrier while, and only while, the fiber is mounted
 * there.
 *
 * <h2>Why interrupt the carrier</h2>
 * A fiber blocked in a call Weft does not own ({@code CountDownLatch.await()},
 * {@code Thread.sleep}) blocks its carrier thread, and only an interrupt of that thread ends the
 * call; so {@code Fiber.interrupt()} and {@code cancel()} also interrupt the carrier while the
 * fiber is mounted ({@link #interrupt}). The race to avoid: the interrupter reads the carrier, the
 * fiber unmounts, another fiber mounts there, and the interrupt lands on that other fiber.
 *
 * <h2>The protocol</h2>
 * As with {@code VirtualThread}'s {@code interruptLock}, an interrupter holds off the unmount
 * while it interrupts; here the lock is the volatile {@code carrier} field itself, so that it
 * costs no field and no lock on the mount path:
 * <pre>
 *   interrupter                               unmounting carrier (unmount())
 *   interrupted = true (or cancelled)         until CAS carrier self -> null: spin
 *   c = carrier; null: done                   Thread.interrupted()  (clear own status)
 *   CAS carrier c -> INTERRUPTING
 *   c.interrupt()
 *   carrier = c   (volatile store)
 * </pre>
 * The two CASes act on one variable, so they are totally ordered (no Dekker pair of two
 * variables is needed): either the unmount's CAS comes first, and the interrupter's CAS fails
 * and its next read sees null, or the interrupter's comes first, and the unmount's CAS fails
 * until the interrupter has stored {@code c} back, after its interrupt. So the interrupter
 * interrupts {@code c} only while {@code carrier} holds {@link #INTERRUPTING} in place of
 * {@code c}, and the unmount completes only with a CAS from {@code c} itself: every interrupt
 * aimed at a mount lands before that mount ends, and the unmounting carrier, which then clears
 * its status, hands no interrupt on. An interrupter that reads the carrier after the CAS to null
 * sees null (or a later mount of this fiber, which is the right target).
 *
 * <h2>What a mount does</h2>
 * A mount clears any interrupt status it finds on its carrier (left there by a plain task or by
 * user code calling {@code Thread.currentThread().interrupt()}), so none leaks into the next
 * fiber. An interrupt that arrives while the fiber is not mounted is only the fiber's flag: a
 * Weft suspension point sees it, a foreign blocking call made in a later mount does not
 * (re-raising it at every mount would interrupt again and again a fiber that caught the first
 * {@code InterruptedException} and carried on). Cancellation is final, so a mount of a cancelled
 * fiber interrupts its carrier at once: {@code shutdownNow()} then reaches a fiber that was still
 * queued when it was cancelled. The mount publishes {@code carrier} with a release store
 * ({@link #publish}), not a volatile one, and then reads {@code cancelled}: a full fence there
 * cost 3-6 ns a yield round trip (measured, see docs/internals.md), on top of the unmount's CAS.
 * So a {@code cancel()} within nanoseconds of a mount can miss both ways (it reads a stale null,
 * the mount reads a stale false), and then only the fiber's next Weft suspension point sees the
 * cancel: a foreign blocking call in that one mount is not interrupted.
 *
 * <p>Cost on the hot path: a CAS at unmount (one locked instruction on x86), a release store and
 * two reads of fields the carrier has in cache.
 */
final class MountedCarrier {
    private static final VarHandle CARRIER;

    static {
        try {
            CARRIER = MethodHandles.lookup().findVarHandle(FiberImpl.class, "carrier", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Held in {@code carrier} in place of the carrier thread while an interrupter interrupts that
     * thread (see the class comment). Never started.
     */
    private static final Thread INTERRUPTING = Thread.ofPlatform().name("weft-interrupting").unstarted(() -> { });

    private MountedCarrier() {
    }

    /** The mount's half: {@code self} now runs {@code fiber}. On the carrier's own stack, before the fiber runs. */
    static void publish(FiberImpl<?> fiber, Thread self) {
        CARRIER.setRelease(fiber, self); // release, not volatile: see the class comment
    }

    /**
     * The carrier's half of the protocol: after this, no interrupt aimed at {@code fiber} can
     * reach {@code self}, and {@code self} is not interrupted. On the carrier's own stack, after
     * the fiber's continuation returned.
     */
    static void unmount(FiberImpl<?> fiber, Thread self) {
        for (int spins = 0; !CARRIER.compareAndSet(fiber, self, null); spins++) {
            backOff(spins); // an interrupter holds it: its interrupt of self lands first
        }
        if (self.isInterrupted()) {
            Thread.interrupted(); // the carrier's own stack: the current thread is self
        }
    }

    /** The carrier {@code fiber} is mounted on, or null; waits out an interrupter's window. Any thread. */
    static Thread of(FiberImpl<?> fiber) {
        Thread c;
        for (int spins = 0; (c = fiber.carrier) == INTERRUPTING; spins++) {
            backOff(spins);
        }
        return c;
    }

    /**
     * The interrupter's half: interrupts the carrier thread {@code fiber} is mounted on, if any,
     * so that a foreign blocking call it is in ends. Called after the flag ({@code interrupted}
     * or {@code cancelled}) is set. Any thread.
     */
    static void interrupt(FiberImpl<?> fiber) {
        for (int spins = 0; ; spins++) {
            Thread c = fiber.carrier; // after the flag is set; null: not mounted (or a mount too recent to see, see the class comment)
            if (c == null) {
                return; // not mounted: the fiber sees the flag at its next Weft suspension point
            }
            if (c != INTERRUPTING && CARRIER.compareAndSet(fiber, c, INTERRUPTING)) {
                try {
                    c.interrupt();
                } finally {
                    fiber.carrier = c; // releases the unmount that may be waiting for it
                }
                return;
            }
            backOff(spins); // another interrupter holds it
        }
    }

    /** A short wait for an interrupter, which holds {@code carrier} for the length of one {@code Thread.interrupt()}. */
    private static void backOff(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // the interrupter was descheduled inside its window
        }
    }
}
