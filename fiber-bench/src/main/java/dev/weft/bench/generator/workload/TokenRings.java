package dev.weft.bench.generator.workload;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.impl.stackless.StacklessCoroutine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * A token ring of parked tasks on a Weft scheduler, as fibers or as stackless coroutines, for
 * {@code SchedulerRingBench}: the member holding the token hands it to the next and unparks it,
 * then parks. Every member parks {@code depth} frames below its entry, so a hop suspends and
 * resumes a stack of that depth on either backend.
 *
 * <h2>Implementation overview</h2>
 * The protocol is the one of {@code switching.TokenRing} (RingBench's): {@code holder} names
 * the member that may move the token (-1: nobody), {@code remaining} the hops still to make; only
 * the holder writes them, {@code remaining} (and {@code hops}) before the volatile write of
 * {@code holder} that the next member's volatile read pairs with. A member parks while it is not
 * the holder; both backends' parks keep an unpark that comes first, and a spurious wake-up
 * re-checks {@code holder}. The two member loops are written twice on purpose: the stackless one
 * is rewritten by the transformer (this package is), the stackful one must not pay for the
 * rewrite, so it calls nothing {@code @Suspendable}.
 */
public abstract sealed class TokenRings permits TokenRings.StackfulRing, TokenRings.StacklessRing {
    private final int size;
    final int depth;
    private volatile int holder = -1;
    private volatile int remaining;
    private volatile long hops;
    volatile boolean closed;
    private volatile CountDownLatch finished;

    TokenRings(int size, int depth) {
        if (size < 2 || depth < 1) {
            throw new IllegalArgumentException("a ring needs at least 2 members and depth >= 1: " + size + ", " + depth);
        }
        this.size = size;
        this.depth = depth;
    }

    /** A ring of {@code size} fibers on {@code scheduler}, each parking {@code depth} frames deep; not started. */
    public static TokenRings stackful(int size, int depth, FiberScheduler scheduler) {
        return new StackfulRing(size, depth, scheduler);
    }

    /** A ring of {@code size} stackless coroutines on {@code scheduler}, each parking {@code depth} frames deep; not started. */
    public static TokenRings stackless(int size, int depth, FiberScheduler scheduler) {
        return new StacklessRing(size, depth, scheduler);
    }

    /** Starts every member; each parks until it holds the token. Call once, before {@link #pass}. */
    public final void start() {
        for (int i = 0; i < size; i++) {
            startMember(i);
        }
    }

    /**
     * Sends the token {@code count} hops around the ring from member 0 and waits for the last one.
     * Called by one thread at a time, outside the ring.
     *
     * @return the hops the members counted during this pass (equal to {@code count} if none was lost)
     */
    public final long pass(int count) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        finished = latch;
        long before = hops;
        remaining = count;
        holder = 0;
        unpark(0);
        latch.await();
        return hops - before;
    }

    /** Ends every member and waits for them. */
    public final void stop() throws InterruptedException, ExecutionException {
        closed = true;
        for (int i = 0; i < size; i++) {
            unpark(i);
        }
        awaitMembers();
    }

    abstract void startMember(int index);

    abstract void unpark(int index);

    abstract void awaitMembers() throws InterruptedException, ExecutionException;

    final boolean holds(int index) {
        return holder == index;
    }

    /** The holder's move: the next member gets the token, or the pass ends if no hop is left. */
    final void handOn(int index) {
        int left = remaining;
        if (left == 0) {
            holder = -1;
            finished.countDown();
        } else {
            remaining = left - 1;
            hops = hops + 1;
            int next = index + 1 == size ? 0 : index + 1;
            holder = next;
            unpark(next);
        }
    }

    static final class StackfulRing extends TokenRings {
        private final Fiber<?>[] members;
        private final FiberScheduler scheduler;

        StackfulRing(int size, int depth, FiberScheduler scheduler) {
            super(size, depth);
            this.members = new Fiber<?>[size];
            this.scheduler = scheduler;
        }

        @Override
        void startMember(int index) {
            members[index] = Fiber.builder().scheduler(scheduler).start(() -> member(index, depth));
        }

        private void member(int index, int level) {
            if (level > 1) {
                member(index, level - 1);
                return;
            }
            while (true) {
                while (!holds(index)) {
                    if (closed) {
                        return;
                    }
                    Fiber.park();
                }
                handOn(index);
            }
        }

        @Override
        void unpark(int index) {
            members[index].unpark();
        }

        @Override
        void awaitMembers() throws InterruptedException {
            for (Fiber<?> m : members) {
                m.join();
            }
        }
    }

    static final class StacklessRing extends TokenRings {
        private final StacklessCoroutine[] members;
        private final FiberScheduler scheduler;

        StacklessRing(int size, int depth, FiberScheduler scheduler) {
            super(size, depth);
            this.members = new StacklessCoroutine[size];
            this.scheduler = scheduler;
        }

        @Override
        void startMember(int index) {
            members[index] = StacklessCoroutine.start(scheduler, () -> member(index, depth));
        }

        @Suspendable
        private void member(int index, int level) {
            if (level > 1) {
                member(index, level - 1);
                return;
            }
            while (true) {
                while (!holds(index)) {
                    if (closed) {
                        return;
                    }
                    StacklessCoroutine.park();
                }
                handOn(index);
            }
        }

        @Override
        void unpark(int index) {
            members[index].unpark();
        }

        @Override
        void awaitMembers() throws InterruptedException, ExecutionException {
            for (StacklessCoroutine m : members) {
                m.completion().get();
            }
        }
    }
}
