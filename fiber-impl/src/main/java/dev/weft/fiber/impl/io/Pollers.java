package dev.weft.fiber.impl.io;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pollers of the process: a fixed number of slots ({@code weft.io.pollers}, default
 * {@value #DEFAULT_POLLERS}), each empty or holding a running {@link Poller}. A new channel takes
 * the next slot round-robin, starting a poller there if it is empty; a poller whose last channel
 * is closed is retired and its slot emptied, so a process with no fiber socket open has no poller
 * thread and no selector.
 *
 * <p><b>Why one poller by default.</b> A poller's work per readiness event is small (an atomic
 * AND on the key, an unpark), and on this project's 2-core machines a second poller thread only
 * competes with the carriers for the cores: the echo probe in {@code docs/internals.md} ("How
 * fiber I/O works") measured 1 against 2 pollers. Pollers are independent of schedulers: a
 * channel is not tied to any scheduler, and fibers of any scheduler (and plain threads) may share
 * one.
 *
 * <p>All state here is guarded by {@link #LOCK}, held for a few field accesses (and, rarely, the
 * start of a poller); never across a park.
 */
final class Pollers {
    static final int DEFAULT_POLLERS = 1;
    static final int COUNT = count();

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Poller[] SLOTS = new Poller[COUNT];
    private static int next;

    private Pollers() {
    }

    private static int count() {
        String value = System.getProperty("weft.io.pollers");
        if (value == null) {
            return DEFAULT_POLLERS;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("Weft: the system property weft.io.pollers must be a number from 1 to 64, got '" + value + "'");
    }

    /** A poller for one more channel, counted until {@link #release}. */
    static Poller acquire() throws IOException {
        LOCK.lock();
        try {
            int i = next;
            next = (i + 1) % COUNT;
            Poller p = SLOTS[i];
            if (p == null) {
                p = Poller.start(i);
                SLOTS[i] = p;
            }
            p.channels++;
            return p;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Uncounts a channel of {@code p}; if it was the last, empties the slot and returns true: the
     * caller must then {@link Poller#retire()} it (outside this lock).
     */
    static boolean release(Poller p) {
        LOCK.lock();
        try {
            assert p.channels > 0 && SLOTS[p.slot] == p;
            if (--p.channels == 0) {
                SLOTS[p.slot] = null;
                return true;
            }
            return false;
        } finally {
            LOCK.unlock();
        }
    }

    /** Running pollers (tests and diagnostics). */
    static int running() {
        LOCK.lock();
        try {
            int n = 0;
            for (Poller p : SLOTS) {
                if (p != null) {
                    n++;
                }
            }
            return n;
        } finally {
            LOCK.unlock();
        }
    }

    /** Keys registered with the running pollers (tests and diagnostics). */
    static int registeredKeys() {
        LOCK.lock();
        try {
            int n = 0;
            for (Poller p : SLOTS) {
                if (p != null) {
                    n += p.registeredKeys();
                }
            }
            return n;
        } finally {
            LOCK.unlock();
        }
    }
}
