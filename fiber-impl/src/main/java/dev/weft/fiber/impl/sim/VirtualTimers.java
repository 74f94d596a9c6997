package dev.weft.fiber.impl.sim;

import dev.weft.fiber.FiberScheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The deterministic scheduler's time-outs: a heap on (deadline, order of request), so that wake-ups
 * due at one instant fire in the order they were asked for, the same in every run. Guarded by the
 * scheduler's lock (every method is called under it); the actions run outside it, on the carrier.
 */
final class VirtualTimers {

    private final class Entry implements FiberScheduler.Wakeup {
        final long deadline;
        final long seq;
        Runnable action;

        Entry(long deadline, long seq, Runnable action) {
            this.deadline = deadline;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            synchronized (lock) {
                if (action == null) {
                    return false;
                }
                action = null;
                heap.remove(this);
                return true;
            }
        }
    }

    private final Object lock;
    private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> a.deadline != b.deadline
            ? Long.compare(a.deadline, b.deadline) : Long.compare(a.seq, b.seq));
    private long requests;

    VirtualTimers(Object lock) {
        this.lock = lock;
    }

    FiberScheduler.Wakeup add(long deadline, Runnable action) {
        Entry e = new Entry(deadline, requests++, action);
        heap.add(e);
        return e;
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    int size() {
        return heap.size();
    }

    /** The earliest deadline; the heap must not be empty. */
    long earliest() {
        return heap.peek().deadline;
    }

    /** Takes the actions due at {@code now}, in firing order; each is then no longer cancellable. */
    List<Runnable> takeDue(long now) {
        List<Runnable> due = new ArrayList<>();
        while (!heap.isEmpty() && heap.peek().deadline <= now) {
            Entry e = heap.poll();
            due.add(e.action);
            e.action = null;
        }
        return due;
    }
}
