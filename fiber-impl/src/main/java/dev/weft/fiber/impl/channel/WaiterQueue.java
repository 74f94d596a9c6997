package dev.weft.fiber.impl.channel;

/**
 * A FIFO of {@link Waiter}s, linked through the nodes themselves (no allocation to enqueue), with
 * O(1) removal of any node so that a cancelled or timed-out waiter leaves at once.
 *
 * <p>Not thread-safe: every method is called with the lock of the owning {@link WeftChannel}
 * held. Invariant: a node is in at most one queue, and {@link Waiter#queued} is true exactly while
 * it is linked here.
 */
final class WaiterQueue {
    private Waiter head;
    private Waiter tail;
    private int size;

    void addLast(Waiter node) {
        assert !node.queued;
        node.queued = true;
        node.next = null;
        node.prev = tail;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        size++;
    }

    /** Takes out the oldest node, or returns null. */
    Waiter pollFirst() {
        Waiter n = head;
        if (n != null) {
            remove(n);
        }
        return n;
    }

    /** Unlinks {@code node}, which must be queued here. */
    void remove(Waiter node) {
        assert node.queued;
        Waiter p = node.prev;
        Waiter n = node.next;
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
        node.prev = null;
        node.next = null;
        node.queued = false;
        size--;
    }

    boolean isEmpty() {
        return head == null;
    }

    /** How many nodes are linked, including nodes of decided selects not yet removed. */
    int size() {
        return size;
    }
}
