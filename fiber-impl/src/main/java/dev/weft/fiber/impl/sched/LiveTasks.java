package dev.weft.fiber.impl.sched;

import dev.weft.fiber.FiberScheduler.FiberTask;

import java.util.function.Consumer;

/**
 * The fibers a scheduler has accepted and that have not terminated, as
 * {@link FiberTask}s (the scheduler knows no fiber class), kept so that
 * {@code shutdownNow()} can cancel them (parked fibers included, which no queue holds).
 *
 * <h2>Implementation overview</h2>
 * An intrusive doubly-linked list threaded through the tasks' link slots
 * ({@link FiberTask#prevLink()}, {@link FiberTask#nextLink()}), split into {@link #STRIPES} stripes, each guarded by its own
 * monitor. The stripe is chosen by the caller's hint (not {@code System.identityHashCode}, whose
 * first call on a fresh object installs a hash in its header) and kept in the task's {@link FiberTask#linkSlot()} (a byte
 * that fits the padding of the fiber object). A fiber is added once when accepted and removed once when it
 * terminates, usually on different carriers; with 64 stripes two carriers rarely meet on one
 * monitor, and each operation is a short uncontended monitor enter (no allocation, no
 * suspension inside). Rejected: a {@code ConcurrentHashMap} key set, which costs a 32-byte node
 * and more per fiber (measured with a class histogram of 100,000 parked fibers), against two
 * reference fields here.
 */
final class LiveTasks {
    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];
    private final FiberTask[] heads = new FiberTask[STRIPES];

    LiveTasks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Adds {@code f}, which must not be in any registry, to the stripe chosen by {@code spread}
     * (any int; callers pass something that differs between consecutive calls on one thread and
     * between threads, such as a carrier's index plus its spawn count). The stripe is remembered
     * in the fiber for {@link #remove}. Any thread.
     */
    void add(FiberTask f, int spread) {
        int s = spread & (STRIPES - 1);
        f.setLinkSlot(s);
        synchronized (locks[s]) {
            FiberTask head = heads[s];
            f.setNextLink(head);
            f.setPrevLink(null);
            if (head != null) {
                head.setPrevLink(f);
            }
            heads[s] = f;
        }
    }

    /** Removes {@code f}, which must have been added. Any thread. */
    void remove(FiberTask f) {
        int s = f.linkSlot();
        synchronized (locks[s]) {
            FiberTask prev = f.prevLink();
            FiberTask next = f.nextLink();
            if (prev != null) {
                prev.setNextLink(next);
            } else {
                heads[s] = next;
            }
            if (next != null) {
                next.setPrevLink(prev);
            }
            f.setPrevLink(null);
            f.setNextLink(null);
        }
    }

    /**
     * Calls {@code action} for each fiber registered now. The action runs outside the stripe
     * locks (it may wake fibers that then terminate and remove themselves).
     */
    void forEach(Consumer<FiberTask> action) {
        for (int s = 0; s < STRIPES; s++) {
            java.util.ArrayList<FiberTask> snapshot = new java.util.ArrayList<>();
            synchronized (locks[s]) {
                for (FiberTask f = heads[s]; f != null; f = f.nextLink()) {
                    snapshot.add(f);
                }
            }
            snapshot.forEach(action);
        }
    }
}
