package dev.weft.fiber.impl.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The small lock that guards a synchronizer's wait lists ({@link WaitList}): a CAS on one int,
 * spinning with {@link Thread#onSpinWait()} and then {@link Thread#yield()}. Not a
 * {@code java.util.concurrent} lock (whose owner would be a carrier thread) and not a monitor
 * (a fiber that parks with a monitor on its stack pays the held-monitor walk): the sections it
 * guards are a few pointer writes, and <b>nobody parks or unparks while holding it</b>, so a
 * holder is delayed only by the operating system, never by Weft.
 *
 * <p>Memory ordering: {@link #lock()} is a volatile CAS (acquire), {@link #unlock()} a release
 * store; each unlock pairs with the next successful CAS, which publishes every plain write made
 * under the lock (list links) to the next holder.
 */
final class SpinLock {
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(SpinLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Spins on the CPU before yielding the thread: a holder is at most a few pointer writes from unlocking. */
    private static final int SPINS_BEFORE_YIELD = 64;

    /** 1 while held. */
    private volatile int locked;

    void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    private void lockContended() {
        for (int spins = 0; ; spins++) {
            if (locked == 0 && LOCKED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder's thread was descheduled inside its few writes
            }
        }
    }

    /** Called only by the holder. Release store: pairs with the next holder's CAS in {@link #lock()}. */
    void unlock() {
        LOCKED.setRelease(this, 0);
    }
}
