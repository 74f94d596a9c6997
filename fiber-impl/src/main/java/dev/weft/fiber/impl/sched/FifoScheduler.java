package dev.weft.fiber.impl.sched;

import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A first-in first-out scheduler: every carrier takes from one shared queue, so fibers run in
 * the order they became runnable.
 *
 * <h2>Implementation overview</h2>
 * The shared queue is a JCTools bounded MPMC array queue (atomic flavour: no JDK warning),
 * {@link #RING_CAPACITY} slots. JCTools has no unbounded MPMC queue without
 * {@code sun.misc.Unsafe}, and a scheduler must never refuse a fiber that became runnable, so a
 * full ring spills into an <em>overflow</em> MPSC unbounded queue whose single consumer is
 * whichever carrier holds {@link #overflowLock}. Order is kept: while the overflow queue is
 * non-empty, new tasks go to it too, so everything in the ring is older than everything in the
 * overflow, and carriers empty the ring first. (Producers racing with the moment the overflow
 * drains may interleave; FIFO across concurrent producers is not defined anyway.)
 *
 * <p>Every dispatch ends in {@link #signalWork()}, the handshake described in
 * {@link IdleCarriers}: a shared queue has no owner that will surely run the task.
 *
 * <p>Compared with {@link WorkStealingScheduler}: no locality (every hand-off crosses the shared
 * queue's cache lines) but strict fairness and no stealing; the benchmark report shows the cost.
 */
public final class FifoScheduler extends CarrierPool {
    static final int RING_CAPACITY = 1 << 16;

    private final MpmcAtomicArrayQueue<Runnable> ring;
    private final MpscUnboundedAtomicArrayQueue<Runnable> overflow = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final AtomicBoolean overflowLock = new AtomicBoolean();

    /**
     * @param parallelism     carriers
     * @param ringCapacity    slots in the shared ring before tasks spill into the overflow queue
     * @param maxCompensating extra carriers allowed while carriers are blocked outside Weft
     */
    public FifoScheduler(int parallelism, int ringCapacity, int maxCompensating) {
        super("fifo", parallelism, maxCompensating, true);
        if (ringCapacity < 2) {
            throw new IllegalArgumentException("ringCapacity must be at least 2: " + ringCapacity);
        }
        ring = new MpmcAtomicArrayQueue<>(ringCapacity);
        start();
    }

    /** A scheduler with a 65,536-slot ring and up to {@link CarrierPool#DEFAULT_MAX_COMPENSATING} compensating carriers. */
    public FifoScheduler(int parallelism) {
        this(parallelism, RING_CAPACITY, DEFAULT_MAX_COMPENSATING);
    }

    @Override
    protected Carrier newCarrier(int index, boolean compensating, Carrier predecessor) {
        return new FifoCarrier(this, index, compensating, (FifoCarrier) predecessor);
    }

    @Override
    protected void dispatch(Runnable task, Carrier self, int kind) {
        if (!overflow.isEmpty() || !ring.offer(task)) {
            overflow.offer(task);
        }
        signalWork();
    }

    @Override
    protected void dispatchTo(Runnable task, Carrier target) {
        ((FifoCarrier) target).inbox.offer(task);
    }

    /** Nothing to release: the shared queue keeps nothing from other carriers, and every dispatch signals. */
    @Override
    protected void releaseKeptWork(Carrier c) {
    }

    @Override
    protected Runnable findWork(Carrier c) {
        FifoCarrier me = (FifoCarrier) c;
        Runnable t;
        if (!me.inbox.isEmpty() && (t = me.inbox.poll()) != null) {
            return t;
        }
        if ((t = ring.poll()) != null) {
            return t;
        }
        if (!overflow.isEmpty() && overflowLock.compareAndSet(false, true)) {
            try {
                return overflow.poll();
            } finally {
                overflowLock.set(false);
            }
        }
        return null;
    }

    @Override
    protected boolean hasVisibleWork(Carrier c) {
        return !ring.isEmpty() || !overflow.isEmpty() || !((FifoCarrier) c).inbox.isEmpty();
    }

    @Override
    protected long queuedEstimate() {
        long n = (long) ring.size() + overflow.size();
        Carrier[] cs = carriers;
        for (int i = 0, limit = slotLimit(); i < limit; i++) {
            if (cs[i] instanceof FifoCarrier f) {
                n += f.inbox.size();
            }
        }
        return n;
    }

    /** A carrier with an affinity inbox; a replacement for a dead carrier takes over its inbox. */
    static final class FifoCarrier extends Carrier {
        final MpscUnboundedAtomicArrayQueue<Runnable> inbox;

        FifoCarrier(FifoScheduler pool, int index, boolean compensating, FifoCarrier predecessor) {
            super(pool, index, compensating, predecessor);
            inbox = predecessor != null ? predecessor.inbox : new MpscUnboundedAtomicArrayQueue<>(64);
        }
    }
}
