package dev.weft.fiber.impl.io;

import java.io.IOException;

/**
 * The pollers of the process: a fixed number of slots ({@code weft.io.pollers}, default
 * {@value #DEFAULT_POLLERS}), each empty or holding a running {@link Poller}. A new channel takes
 * the next slot round-robin, starting a poller there if it is empty; a poller whose last channel
 * is closed is retired and its slot emptied, so a process with no fiber socket open has no poller
 * thread and no selector.
 *
 * <p><b>Why one poller by default.</b> A poller's work per readiness event is small (an atomic
 * AND on the key, an unpark), and on this project's 2-core machines a second poller thread only
 * competes with the carriers for the cores: docs/io.md ("How many pollers: one") measured 1 against
 * 2 pollers with wrk (two poller threads were slower). Pollers are independent of schedulers: a
 * channel is not tied to any scheduler, and fibers of any scheduler (and plain threads) may share
 * one.
 *
 * <p>All state here is guarded by the monitor of {@link #LOCK}, held for a few field accesses (and,
 * rarely, the start of a poller); never across a park. A monitor, not a {@code ReentrantLock}: it
 * is taken by fibers, in frames that may span a suspension, where a lock that records
 * {@code Thread.currentThread()} as its owner could record a stale carrier (see
 * {@link OutOfLineCalls}); a monitor is tracked by the thread that really runs the code.
 */
final class Pollers {
    static final int DEFAULT_POLLERS = 1;
    static final int COUNT = count();

    private static final Object LOCK = new Object();
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
        synchronized (LOCK) {
            int i = next;
            next = (i + 1) % COUNT;
            Poller p = SLOTS[i];
            if (p == null) {
                p = Poller.start(i);
                SLOTS[i] = p;
            }
            p.channels++;
            return p;
        }
    }

    /**
     * Uncounts a channel of {@code p}; if it was the last, empties the slot and returns true: the
     * caller must then {@link Poller#retire()} it (outside this lock).
     */
    static boolean release(Poller p) {
        synchronized (LOCK) {
            assert p.channels > 0 && SLOTS[p.slot] == p;
            if (--p.channels == 0) {
                SLOTS[p.slot] = null;
                return true;
            }
            return false;
        }
    }

    /** Running pollers (tests and diagnostics). */
    static int running() {
        synchronized (LOCK) {
            int n = 0;
            for (Poller p : SLOTS) {
                if (p != null) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Every running poller's keys (diagnostics and test failure messages). */
    static String describe() {
        synchronized (LOCK) {
            StringBuilder sb = new StringBuilder();
            for (Poller p : SLOTS) {
                if (p != null) {
                    sb.append(p.describe()).append('\n');
                }
            }
            return sb.toString();
        }
    }

    /** Keys registered with the running pollers (tests and diagnostics). */
    static int registeredKeys() {
        synchronized (LOCK) {
            int n = 0;
            for (Poller p : SLOTS) {
                if (p != null) {
                    n += p.registeredKeys();
                }
            }
            return n;
        }
    }
}
