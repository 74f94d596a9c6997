package dev.weft.fiber.impl.sync;

/**
 * A FIFO of {@link Waiter}s, doubly linked so that a waiter that gives up (time-out, interrupt,
 * cancel) leaves in O(1) from anywhere in it. <b>Every method but {@link #size()} is called only
 * while holding the owning synchronizer's {@link SpinLock}</b>, which orders the plain link
 * writes. {@link #size()} is volatile so that a releaser can ask "is anyone waiting?" without the
 * lock: a waiter's {@code addLast} (volatile write of {@code size}) followed by its re-check of
 * the synchronizer's state, against a releaser's state write followed by its read of
 * {@code size}, is a Dekker pair of volatile accesses, so at least one side sees the other.
 */
final class WaitList {
    private Waiter head;
    private Waiter tail;
    /** Written under the spin lock, read anywhere. */
    private volatile int size;

    Waiter first() {
        return head;
    }

    int size() {
        return size;
    }

    void addLast(Waiter w) {
        w.next = null;
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size = size + 1; // volatile write: the waiter's half of the Dekker pair (see the class comment)
    }

    /** Unlinks {@code w}, which must be on this list. */
    void remove(Waiter w) {
        Waiter p = w.prev;
        Waiter n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        size = size - 1;
    }

    /** Takes every waiter off the list, returning them as a {@link Waiter#nextToWake} chain in FIFO order. */
    Waiter removeAll() {
        Waiter chain = head;
        for (Waiter w = head; w != null; ) {
            Waiter n = w.next;
            w.nextToWake = n;
            w.prev = null;
            w.next = null;
            w = n;
        }
        head = null;
        tail = null;
        size = 0;
        return chain;
    }
}
