package dev.weft.bench.switching;

import java.util.concurrent.CountDownLatch;

/**
 * A ring of parked tasks passing one token: the member holding it hands it to the next and
 * unparks that one. Subclasses say what a member is (a Weft fiber, a virtual thread) and how
 * it parks and is unparked.
 *
 * <h2>Implementation overview</h2>
 * {@code holder} is the index of the member that may move the token (-1: nobody, the ring is
 * idle); {@code remaining} is the number of hops still to make. Only the holder writes either
 * field, and it writes {@code remaining} before publishing the next holder through the volatile
 * write of {@code holder}, whose volatile read by the next member pairs with it. A member parks
 * while it is not the holder; unpark-before-park permits mean a hand-off that races with the
 * park is never lost, and a spurious wake-up just re-checks {@code holder}. The member that
 * finds zero hops left makes the ring idle and opens the {@link #pass} caller's latch.
 */
abstract class TokenRing {
    private final int size;
    private volatile int holder = -1;
    private volatile int remaining;
    private volatile boolean closed;
    private volatile CountDownLatch finished;

    TokenRing(int size) {
        if (size < 2) {
            throw new IllegalArgumentException("a ring needs at least 2 members: " + size);
        }
        this.size = size;
    }

    /** Starts every member; each parks until it holds the token. Call once, before {@link #pass}. */
    final void start() {
        for (int i = 0; i < size; i++) {
            int index = i;
            startMember(i, () -> memberLoop(index));
        }
    }

    /** Starts member {@code index} running {@code body}. */
    abstract void startMember(int index, Runnable body);

    /** Parks the calling member until unparked (or spuriously). */
    abstract void parkCurrent();

    /** Unparks member {@code index}. */
    abstract void unpark(int index);

    /** Waits for member {@code index} to end after {@link #stop()}. */
    abstract void joinMember(int index) throws InterruptedException;

    private void memberLoop(int index) {
        int next = (index + 1) % size;
        while (true) {
            while (holder != index) {
                if (closed) {
                    return;
                }
                parkCurrent();
            }
            int left = remaining;
            if (left == 0) {
                holder = -1;
                finished.countDown();
            } else {
                remaining = left - 1;
                holder = next;
                unpark(next);
            }
        }
    }

    /**
     * Sends the token {@code hops} times around the ring from member 0 and waits for the last hop.
     * Called by one thread at a time, outside the ring.
     */
    final int pass(int hops) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        finished = latch;
        remaining = hops;
        holder = 0;
        unpark(0);
        latch.await();
        return hops;
    }

    /** Ends every member and waits for them. */
    final void stop() throws InterruptedException {
        closed = true;
        for (int i = 0; i < size; i++) {
            unpark(i);
        }
        for (int i = 0; i < size; i++) {
            joinMember(i);
        }
    }
}
