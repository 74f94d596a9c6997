package dev.weft.fiber.impl.sched;

import dev.weft.fiber.FiberScheduler.FiberTask;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The live fibers of a pool in leak-tracking mode ({@code -Dweft.diag.trackLeaks=true}): what
 * {@link LiveTasks} keeps, held <em>weakly</em>, so that a fiber nothing else can reach is
 * collected, and its collection is reported as a leak.
 *
 * <h2>Why a parked fiber can become garbage, and why that is a bug worth a report</h2>
 * Everything that can wake a fiber holds it: a queue holds a runnable fiber, a carrier's stack a
 * running or pinned one, the timer a fiber in a timed park ({@code TimedWake}), and a channel,
 * lock, latch or joined fiber each of its waiters. So a fiber that the garbage collector finds
 * unreachable and that has not terminated is parked with no time limit, and nothing can unpark
 * it: it will never run again, and its {@code finally} blocks will never run. (A fiber in the
 * middle of a state change is on its carrier's stack, so reachable; a fiber being dumped is held
 * by the dump.) Such a fiber is invisible in the default mode, where {@link LiveTasks} keeps it
 * strongly for {@code shutdownNow} and dumps, and it stays counted as live forever.
 *
 * <h2>Implementation overview</h2>
 * Each fiber registered here gets a {@link TrackedFiber}, a {@link WeakReference} to its
 * {@link FiberTask} (the task and the fiber reference each other, so they become unreachable
 * together), registered with one {@link ReferenceQueue} for every pool of the JVM. The
 * references are kept in a {@link ConcurrentHashMap} keyed by the task's identity (a
 * reference's hash is the identity hash of its task, taken at registration; a lookup uses a
 * {@link Probe}, equal to the reference whose task is the probe's), so that a terminating fiber
 * finds its reference without a field in the fiber: the fiber's link slots are typed
 * {@code FiberTask}, and a field more would grow every fiber by 8 bytes in every mode (see
 * {@code FiberImpl}'s memory notes) for a mode that is off by default. A fiber that terminates
 * removes and clears its reference, so it is never enqueued; only the garbage collector enqueues
 * the others. One daemon thread ({@code weft-unreachable-fibers}, started with the first such
 * registry) takes each enqueued reference, removes it (the removal decides, once per fiber,
 * that it is reported), and hands it to the registry's {@code unreachable} action: the pool
 * counts the fiber as ended (so that a {@code shutdown()} waiting for it can complete) and
 * reports it through its {@link PoolObserver}.
 *
 * <p>The cost is paid only in this mode: per fiber a reference (40 bytes with the fields below)
 * and a map node (32 bytes), an identity hash, and a map insert at registration and a removal at
 * termination. Rejected: reporting from a {@code Cleaner} (one more object per fiber and no
 * control over the thread); striped lists of references (as {@link LiveTasks} does with the
 * fibers), which a terminating fiber could not find its node in without a field.
 *
 * <p>{@link #forEach} hands out the tasks still reachable, so that {@code shutdownNow} cancels
 * them and dumps list them; a task that is unreachable but not yet cleared is made strongly
 * reachable again by that ({@link WeakReference#get()}), which is correct: it is then cancelled,
 * or dumped, and is no leak yet.
 */
final class WeakLiveTasks {
    private static final ReferenceQueue<FiberTask> COLLECTED = new ReferenceQueue<>();
    /** The thread that drains {@link #COLLECTED}; started with the first registry, guarded by the class. */
    private static Thread drainer;

    private final ConcurrentHashMap<Object, TrackedFiber> byTask = new ConcurrentHashMap<>();
    /** Called with each fiber found unreachable, on the drain thread, once per fiber. */
    private final Consumer<TrackedFiber> unreachable;

    WeakLiveTasks(Consumer<TrackedFiber> unreachable) {
        this.unreachable = unreachable;
        startDrainer();
    }

    private static synchronized void startDrainer() {
        if (drainer == null) {
            drainer = Thread.ofPlatform().name("weft-unreachable-fibers").daemon(true).start(WeakLiveTasks::drain);
        }
    }

    private static void drain() {
        while (true) {
            try {
                TrackedFiber r = (TrackedFiber) COLLECTED.remove();
                r.owner.collected(r);
            } catch (InterruptedException e) {
                // nobody interrupts it on purpose: carry on
            } catch (Throwable e) {
                // a failing report must not stop the reports of later leaks
            }
        }
    }

    /**
     * Adds {@code f}, which must not be registered here, with {@code label} (what a report needs
     * later; it must not reference the fiber, or it would never be collected). Any thread.
     */
    void add(FiberTask f, Object label) {
        TrackedFiber r = new TrackedFiber(f, this, label);
        byTask.put(r, r);
    }

    /** Removes {@code f}, which terminated or was rejected: it will not be reported. Any thread. */
    void remove(FiberTask f) {
        TrackedFiber r = byTask.remove(new Probe(f));
        if (r != null) {
            r.clear(); // not enqueued now, even if the fiber is about to become garbage
        }
    }

    /** The reference of {@code f}, or null if it is not registered here. */
    TrackedFiber find(FiberTask f) {
        return byTask.get(new Probe(f));
    }

    /** Calls {@code action} for each registered fiber that is still reachable; see the class comment. */
    void forEach(Consumer<FiberTask> action) {
        for (TrackedFiber r : byTask.values()) {
            FiberTask t = r.get();
            if (t != null) {
                action.accept(t);
            }
        }
    }

    /** On the drain thread: {@code r}'s fiber was collected without terminating. */
    private void collected(TrackedFiber r) {
        if (byTask.remove(r) != null) {
            unreachable.accept(r);
        }
    }

    /**
     * A fiber held weakly, with what a report of it needs once it is gone. Equal only to itself
     * and to a {@link Probe} of its task.
     */
    public static final class TrackedFiber extends WeakReference<FiberTask> {
        private final int hash;
        private final WeakLiveTasks owner;
        private final Object label;

        TrackedFiber(FiberTask task, WeakLiveTasks owner, Object label) {
            super(task, COLLECTED);
            this.hash = System.identityHashCode(task);
            this.owner = owner;
            this.label = label;
        }

        /**
         * What the pool's observer gave at registration ({@link PoolObserver#fiberTracked}), or
         * null.
         */
        public Object label() {
            return label;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (o instanceof Probe p) {
                FiberTask t = get();
                return t != null && t == p.task;
            }
            return false;
        }
    }

    /** A lookup key: equal to the {@link TrackedFiber} of {@link #task}. */
    private record Probe(FiberTask task) {
        @Override
        public int hashCode() {
            return System.identityHashCode(task);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TrackedFiber r && r.get() == task;
        }
    }
}
