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
 * <p>A dispatch to the shared queue ends in {@link #signalWork()}, the handshake described in
 * {@link IdleCarriers}, unless a carrier of this pool queued the task into an empty queue (a
 * fiber it runs spawned or woke another): that carrier takes the head at its next look, when the
 * task it runs parks or ends, so waking a parked carrier for it would only move the hand-off
 * across cores, and cost the waker an {@code unpark}. A spinning carrier still takes it if it
 * looks first. If the task runs on for a watchdog tick, {@link #releaseKeptWork} signals. This
 * is the trade {@link WorkStealingScheduler} makes for its LIFO slot; the order of the queue is
 * unchanged by it.
 *
 * <h2>A yield into an empty queue keeps its carrier</h2>
 * A fiber that yields on its carrier ({@link #YIELD_UNMOUNTED}) while the shared queue, the
 * overflow and the carrier's inbox are all empty is the head of the queue it would join: it
 * would run next whoever took it. Its carrier keeps it in {@link FifoCarrier#next} and runs it
 * at its next look, with no queue operation and no signal; without this, one fiber yielding on
 * {@code fifo(2)} went through the shared ring at every yield and, taken by whichever carrier
 * polled first, crossed cores at most of them, and every yield woke a parked carrier. The order
 * is the one the queue would give: the slot is filled only when nothing waits, and emptied by
 * the carrier's next {@link #findWork}, which runs between the two no other task (the SPI's
 * promise for {@code resumeFromCarrier}). A fiber that became runnable meanwhile, from another
 * thread, is concurrent with the yield, whose order against it is not defined. At its next
 * yield the fiber then goes behind it.
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
        if (kind == YIELD_UNMOUNTED && ring.isEmpty() && overflow.isEmpty()) {
            FifoCarrier me = (FifoCarrier) self;
            if (me.next == null && me.inbox.isEmpty()) {
                me.next = task; // see "A yield into an empty queue keeps its carrier"
                return;
            }
        }
        boolean alone = self != null && ring.isEmpty() && overflow.isEmpty();
        if (!overflow.isEmpty() || !ring.offer(task)) {
            overflow.offer(task);
        }
        if (!alone) {
            signalWork(); // no signal for the only task, queued by a carrier: see the class comment
        }
    }

    @Override
    protected void dispatchTo(Runnable task, Carrier target) {
        ((FifoCarrier) target).inbox.offer(task);
    }

    /**
     * Signals if the shared queue holds work: {@code c} may have queued it without a signal,
     * meaning to take it itself, and has been in one task since. The shared queue is open to
     * every carrier, so nothing needs to move; {@link FifoCarrier#next} is never held while a
     * task runs.
     */
    @Override
    protected void releaseKeptWork(Carrier c) {
        if (!ring.isEmpty() || !overflow.isEmpty()) {
            signalWork();
        }
    }

    @Override
    protected Runnable findWork(Carrier c) {
        FifoCarrier me = (FifoCarrier) c;
        Runnable t = me.next;
        if (t != null) {
            me.next = null;
            return t;
        }
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
        FifoCarrier me = (FifoCarrier) c;
        return me.next != null || !ring.isEmpty() || !overflow.isEmpty() || !me.inbox.isEmpty();
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

    /** A carrier with an affinity inbox; a replacement for a dead carrier takes over its inbox and its {@link #next}. */
    static final class FifoCarrier extends Carrier {
        final MpscUnboundedAtomicArrayQueue<Runnable> inbox;
        /**
         * The fiber that just yielded on this carrier into an empty queue, run at its next look
         * (see the class comment). Read and written by this carrier only, filled only between a
         * task's end and the carrier's next {@link FifoScheduler#findWork}: never held while a task
         * runs, so neither the watchdog nor a thief needs to see it.
         */
        Runnable next;

        FifoCarrier(FifoScheduler pool, int index, boolean compensating, FifoCarrier predecessor) {
            super(pool, index, compensating, predecessor);
            inbox = predecessor != null ? predecessor.inbox : new MpscUnboundedAtomicArrayQueue<>(64);
            // A carrier that died between a yield's dispatch and its next look leaves the fiber here.
            next = predecessor != null ? predecessor.next : null;
        }
    }
}
