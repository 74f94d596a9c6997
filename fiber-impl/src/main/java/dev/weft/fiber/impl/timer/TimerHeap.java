package dev.weft.fiber.impl.timer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The pending timeouts of one {@link DeadlineTimer}: a binary min-heap on the deadline, in an
 * array, where every {@link DeadlineTimer.Timeout} knows its own slot, so that removing one
 * (a cancel) costs O(log n) instead of a search.
 *
 * <h2>Implementation overview</h2>
 * This is the indexed heap of {@code ScheduledThreadPoolExecutor.DelayedWorkQueue} (whose
 * tasks carry a {@code heapIndex} for the same reason), without its lock: only the timer thread
 * touches it. Hand-rolled because no library at hand has it: {@code java.util.PriorityQueue}
 * removes an arbitrary element by a linear search, {@code DelayedWorkQueue} is private, and
 * Agrona and JCTools have no priority queue.
 *
 * <p><b>Invariants.</b> {@code heap[0..size)} holds the queued timeouts, each parent's deadline
 * no later than its children's (deadlines compared as {@code a - b < 0}, as
 * {@link System#nanoTime()} requires); {@code heap[i].index == i} for each of them; every other
 * slot is null (a removed timeout is not retained). A timeout that leaves the heap gets
 * {@link DeadlineTimer.Timeout#DONE}.
 *
 * <p><b>Memory.</b> One array slot per queued timeout. The array doubles when full and halves
 * when a quarter full (never below {@link #MIN_CAPACITY}), so a burst of a million timeouts
 * does not keep a million slots once it has passed. Growing is split from adding
 * ({@link #reserve()} before {@link #add}), so that a timer thread short of memory fails before
 * it has taken a request off its queue, not after: no request is ever lost to an
 * {@link OutOfMemoryError}.
 *
 * <p>Owned by the timer thread; only {@link #sizeOpaque()} may be called by others.
 */
final class TimerHeap {
    static final int MIN_CAPACITY = 64;

    private static final VarHandle SIZE;

    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(TimerHeap.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DeadlineTimer.Timeout[] heap = new DeadlineTimer.Timeout[MIN_CAPACITY];
    /** Written by the owner with opaque stores, so that {@link #sizeOpaque()} sees it change. */
    private int size;

    int size() {
        return size;
    }

    /** The number of queued timeouts, for any thread: a snapshot that may be stale, never torn. */
    int sizeOpaque() {
        return (int) SIZE.getOpaque(this);
    }

    /** Heap slots allocated (for tests of the shrinking). */
    int capacity() {
        return heap.length;
    }

    /** The timeout with the earliest deadline, or null. */
    DeadlineTimer.Timeout peek() {
        return heap[0];
    }

    /** Makes room for one more {@link #add}; may throw {@link OutOfMemoryError}, leaving the heap unchanged. */
    void reserve() {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, heap.length * 2);
        }
    }

    /** Queues {@code t}, which is in no heap; {@link #reserve()} must have made room. Allocates nothing. */
    void add(DeadlineTimer.Timeout t) {
        assert t.index < 0 : "already queued at " + t.index;
        int k = size;
        assert k < heap.length : "add without reserve";
        SIZE.setOpaque(this, k + 1);
        siftUp(k, t);
    }

    /** Removes and returns the timeout with the earliest deadline, or null. Allocates nothing. */
    DeadlineTimer.Timeout poll() {
        DeadlineTimer.Timeout first = heap[0];
        if (first != null) {
            removeAt(0);
        }
        return first;
    }

    /** Removes {@code t} if it is queued here; O(log n). Allocates nothing. */
    void remove(DeadlineTimer.Timeout t) {
        int i = t.index;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    /**
     * Halves the array while it is at most a quarter full. Called between operations, never
     * inside one, and an allocation failure here only leaves the larger array in place.
     */
    void trimIfSparse() {
        int capacity = heap.length;
        while (capacity > MIN_CAPACITY && size <= capacity / 4) {
            capacity /= 2;
        }
        if (capacity != heap.length) {
            heap = Arrays.copyOf(heap, capacity);
        }
    }

    private void removeAt(int i) {
        DeadlineTimer.Timeout removed = heap[i];
        int last = size - 1;
        SIZE.setOpaque(this, last);
        DeadlineTimer.Timeout moved = heap[last];
        heap[last] = null;
        removed.index = DeadlineTimer.Timeout.DONE;
        if (i != last) {
            siftDown(i, moved);
            if (heap[i] == moved) {
                siftUp(i, moved); // the moved one may be earlier than the removed one's parent
            }
        }
    }

    private void siftUp(int k, DeadlineTimer.Timeout t) {
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            DeadlineTimer.Timeout p = heap[parent];
            if (t.deadline - p.deadline >= 0) {
                break;
            }
            heap[k] = p;
            p.index = k;
            k = parent;
        }
        heap[k] = t;
        t.index = k;
    }

    private void siftDown(int k, DeadlineTimer.Timeout t) {
        int n = size;
        int half = n >>> 1; // slots below it have a child
        while (k < half) {
            int child = 2 * k + 1;
            DeadlineTimer.Timeout c = heap[child];
            int right = child + 1;
            if (right < n && heap[right].deadline - c.deadline < 0) {
                child = right;
                c = heap[child];
            }
            if (t.deadline - c.deadline <= 0) {
                break;
            }
            heap[k] = c;
            c.index = k;
            k = child;
        }
        heap[k] = t;
        t.index = k;
    }
}
