package dev.weft.fiber.impl.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A carrier's local run queue: a bounded ring that its owner uses as a FIFO and from which other
 * carriers steal half at a time.
 *
 * <h2>Implementation overview</h2>
 * {@code tail} is written only by the owner; {@code head} is advanced by CAS, by the owner's
 * {@link #pop()} and by thieves' {@link #stealHalf(WorkQueue)} alike. The live elements are the
 * slots {@code [head, tail)} (indexes wrap with {@code mask}; the counters themselves wrap
 * around {@code int} harmlessly, as only differences are used).
 * <ul>
 *   <li>{@link #push} (owner): writes the slot at {@code tail} with a plain store, then publishes
 *       it with a release store of {@code tail} (paired with the thieves' acquire load of
 *       {@code tail}). It only writes slots outside {@code [head, tail)}, since it checks
 *       {@code tail - head < capacity} against a {@code head} that can only have grown since.</li>
 *   <li>{@link #pop} (owner): reads the element at {@code head}, then claims it with a CAS on
 *       {@code head}. No allocation, one CAS (uncontended unless a thief is at work).</li>
 *   <li>{@link #stealOne} (any non-owner): the head element, claimed with the same CAS as
 *       {@code pop}, its slot left for the owner to overwrite.</li>
 *   <li>{@link #stealHalf} (thief): reads {@code head} and {@code tail} (acquire), copies half
 *       of the elements into the free slots of its own queue, then claims them all with one CAS
 *       on the victim's {@code head}. If the CAS fails, the owner or another thief took some of
 *       them, so the copies are discarded (they sit in slots the thief's queue does not publish)
 *       and the thief retries. The copies may be racy reads of slots being reused, but a slot is
 *       reused only after {@code head} moved past it, which makes the CAS fail; the CAS's release
 *       semantics keep the reads before it.</li>
 * </ul>
 * The same design as Go's per-P run queue; rejected: a Chase-Lev deque (its owner end is LIFO,
 * which makes {@code Fiber.yield()} run the yielding fiber again at once) and a
 * {@code ConcurrentLinkedQueue} (a node per offer, about 200 ns on a yield round trip).
 *
 * <p><b>Dead slots.</b> The owner clears the slot it pops. A slot a thief took from keeps its
 * reference (only the owner writes slots) until the owner, finding its queue empty in
 * {@link #pop()}, clears the slots taken since it last did ({@link #clearDeadSlots}); a thief
 * clears the copies it made into its own queue when its claim fails. Without that a queue kept
 * up to {@code capacity} stale references, and a fiber stolen from it and later parked with
 * nothing left to wake it stayed reachable through the victim's dead slot: leak tracking
 * ({@code -Dweft.diag.trackLeaks}) could not report it until the slot was reused. Clearing is
 * safe while thieves run: the owner clears only positions below a {@code head} it has read, and
 * a thief's claim of a position succeeds only while {@code head} is still at it, so a cleared
 * slot is one that no claim can succeed on (a thief that read it before the clearing fails its
 * CAS and discards what it read).
 *
 * @param <T> the element type
 */
public final class WorkQueue<T> {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(WorkQueue.class, "head", int.class);
            TAIL = l.findVarHandle(WorkQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] buffer;
    private final int mask;
    private volatile int head;
    private volatile int tail;
    /** Owner only: the slots of positions below this hold no stale reference; see {@link #clearDeadSlots}. */
    private int cleared;

    /**
     * @param capacity a power of two, at least 2
     * @throws IllegalArgumentException otherwise
     */
    public WorkQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        buffer = new Object[capacity];
        mask = capacity - 1;
    }

    /** The number of slots. */
    public int capacity() {
        return buffer.length;
    }

    /**
     * Appends {@code task} at the tail. <b>Owner only.</b>
     *
     * @return {@code false} if the queue is full (nothing was added)
     */
    public boolean push(T task) {
        int t = (int) TAIL.getOpaque(this);
        int h = (int) HEAD.getAcquire(this);
        if (t - h >= buffer.length) {
            return false;
        }
        buffer[t & mask] = task;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Takes the element at the head, or returns null if empty. <b>Owner only.</b> */
    @SuppressWarnings("unchecked")
    public T pop() {
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (h == t) {
                if (cleared != h) {
                    clearDeadSlots(h);
                }
                return null;
            }
            int slot = h & mask;
            T task = (T) buffer[slot];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                // Thieves never read a slot outside [head, tail) successfully, and only the
                // owner writes slots: clearing this one drops the reference early.
                buffer[slot] = null;
                return task;
            }
        }
    }

    /**
     * Clears the slots of the positions taken since the last call, up to {@code h}, which is both
     * {@code head} and {@code tail} as just read: the queue is empty, and only the owner (the
     * caller) could make it non-empty. Positions more than a capacity below {@code h} have had
     * their slots reused, so at most {@code capacity} stores: one per position taken (popped or
     * stolen) since the last call, once each time the queue runs empty; the owner's further
     * looks at the empty queue cost one comparison.
     * <b>Owner only.</b>
     */
    private void clearDeadSlots(int h) {
        int from = h - cleared > buffer.length ? h - buffer.length : cleared;
        for (int p = from; p != h; p++) {
            buffer[p & mask] = null;
        }
        cleared = h;
    }

    /**
     * Moves about half of this queue's elements (rounded up) to {@code into}, which must be the
     * calling carrier's own queue, and returns one of them for the caller to run. Any thread
     * other than this queue's owner.
     *
     * @return a stolen element, or null if there was nothing to steal or no room in {@code into}
     */
    @SuppressWarnings("unchecked")
    public T stealHalf(WorkQueue<T> into) {
        if (into == this) {
            throw new IllegalArgumentException("a queue cannot steal from itself");
        }
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int size = t - h;
            if (size <= 0) {
                return null;
            }
            if (size > buffer.length) {
                continue; // h and t were read at different moments; read again
            }
            int n = size - size / 2;
            int intoTail = (int) TAIL.getOpaque(into);
            int room = into.buffer.length - (intoTail - (int) HEAD.getAcquire(into));
            n = Math.min(n, room);
            if (n <= 0) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                into.buffer[(intoTail + i) & into.mask] = buffer[(h + i) & mask];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                int lastSlot = (intoTail + n - 1) & into.mask;
                T last = (T) into.buffer[lastSlot];
                into.buffer[lastSlot] = null;
                if (n > 1) {
                    TAIL.setRelease(into, intoTail + n - 1);
                }
                return last;
            }
            for (int i = 0; i < n; i++) {
                into.buffer[(intoTail + i) & into.mask] = null; // discarded copies: no stale references
            }
        }
    }

    /**
     * Takes the element at the head, as {@link #pop()} does, for a thread that is not the owner:
     * the watchdog moving the queue of a carrier stuck in one task to where other carriers look
     * ({@code WorkStealingScheduler.releaseKeptWork}). The slot is read before the CAS on
     * {@code head} claims it, and is left as it is (only the owner writes slots): a slot is
     * reused only after {@code head} has moved past it, which makes this CAS fail, as in
     * {@link #stealHalf}. Any thread other than this queue's owner.
     *
     * @return the element at the head, or null if the queue was empty
     */
    @SuppressWarnings("unchecked")
    public T stealOne() {
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int size = t - h;
            if (size <= 0) {
                return null;
            }
            if (size > buffer.length) {
                continue; // h and t were read at different moments; read again
            }
            T task = (T) buffer[h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return task;
            }
        }
    }

    /** The number of elements, a snapshot that may be stale at once. Any thread. */
    public int size() {
        int t = (int) TAIL.getAcquire(this);
        int h = (int) HEAD.getAcquire(this);
        return Math.max(0, Math.min(t - h, buffer.length));
    }

    /** Whether the queue looked empty. Any thread. */
    public boolean isEmpty() {
        return (int) TAIL.getAcquire(this) == (int) HEAD.getAcquire(this);
    }

    @Override
    public String toString() {
        return "WorkQueue[size=" + size() + ", capacity=" + buffer.length + "]";
    }
}
