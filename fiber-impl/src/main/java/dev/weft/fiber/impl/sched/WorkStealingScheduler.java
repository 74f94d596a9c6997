package dev.weft.fiber.impl.sched;

import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A work-stealing scheduler: per-carrier run queues, a LIFO slot, a global injection queue, and
 * steal-half.
 *
 * <h2>Implementation overview</h2>
 * Each carrier owns a bounded {@link WorkQueue} (FIFO for its owner, stealable by others) and a
 * one-task <em>LIFO slot</em>. Work from a carrier stays on it: a fiber woken by the running fiber
 * goes into the LIFO slot (its previous occupant moves to the queue's tail), so a producer and
 * its consumer hand off on one carrier with warm caches; a yielding fiber goes to the tail, behind
 * everything waiting. Work from outside (a thread that is not one of this scheduler's carriers)
 * goes to the global <em>injection queue</em>.
 *
 * <p>A carrier looks for work in this order: every {@link #GLOBAL_POLL_INTERVAL}th time the
 * injection queue first; its affinity inbox; its LIFO slot (at most {@link #MAX_LIFO_STREAK}
 * times in a row, so two fibers waking each other cannot starve the queue); its queue; the
 * injection queue; then it steals half of a randomly chosen victim's queue.
 *
 * <p><b>Why poll the injection queue every 61 tasks.</b> Without a periodic poll, a carrier
 * whose local work regenerates itself (ping-pong, yield loops) would never look at the injection
 * queue, starving submissions from outside; polling it first on every task would put a contended
 * shared queue on the owner's path. Every 61st task bounds the wait of an injected task to 61
 * local tasks per carrier while adding, amortised, well under a nanosecond per task (one
 * emptiness check of the injection queue). 61 is prime, like Go's choice of the same number, so
 * the poll does not fall into step with periodic workloads of common sizes.
 *
 * <p><b>The injection queue</b> is a JCTools MPSC unbounded queue (atomic flavour). JCTools
 * offers no unbounded MPMC queue without {@code sun.misc.Unsafe}, and the consumer side is rare
 * and batched, so carriers take turns as its single consumer under a try-lock
 * ({@link #injectionLock}): the winner takes one task and moves up to half its queue's capacity
 * (or a fair share) into its own queue; a loser goes on to steal instead of waiting. Outside
 * submitters offer and then {@link #signalWork() signal}; the CAS inside the offer and the
 * volatile reads in {@code signalWork} form the no-lost-wake-up handshake described in
 * {@link IdleCarriers}. Work a carrier keeps for itself does not signal (its owner will run it):
 * a task that lands in the LIFO slot, or a yielding fiber; only a task displaced into the
 * stealable queue does.
 *
 * <p><b>The LIFO slot and blocked carriers.</b> The owner replaces a non-empty
 * slot with {@code getAndSet}, not a plain store: a carrier that blocks outside Weft (see
 * {@link CarrierPool}) would otherwise strand the task in its slot, so thieves may take the slot
 * of a carrier the watchdog has marked blocked. An uncontended {@code getAndSet} costs a few
 * nanoseconds, and the owner skips it when the slot is empty: thieves only ever take a non-empty
 * slot, so filling an empty one cannot race and a release store suffices. For the same reason
 * the watchdog moves the LIFO task (and the queued work) of a carrier that has been in one task for a tick (busy or
 * blocked) to the injection queue ({@link #releaseKeptWork}): a fiber that starts or wakes
 * another and then computes for long would otherwise keep it from running while other
 * carriers idle.
 *
 * <p><b>Rejected:</b> one shared queue (that is {@link FifoScheduler}: every task crosses cores);
 * a {@code ConcurrentLinkedQueue} per carrier (a node per offer); stealing one task at a time
 * (many steals when a carrier has a burst).
 */
public final class WorkStealingScheduler extends CarrierPool {
    static final int GLOBAL_POLL_INTERVAL = 61;
    static final int MAX_LIFO_STREAK = 16;
    static final int LOCAL_CAPACITY = 256;

    private final MpscUnboundedAtomicArrayQueue<Runnable> injection = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final AtomicBoolean injectionLock = new AtomicBoolean();

    /**
     * @param parallelism     carriers
     * @param maxCompensating extra carriers allowed while carriers are blocked outside Weft
     * @param closable        false for the default scheduler
     */
    public WorkStealingScheduler(int parallelism, int maxCompensating, boolean closable) {
        super("work-stealing", parallelism, maxCompensating, closable);
        start();
    }

    /**
     * A closable scheduler that tracks leaks or not, whatever {@link CarrierPool#TRACK_LEAKS} says
     * (for tests of both modes in one JVM).
     *
     * @param parallelism carriers
     * @param trackLeaks  whether live fibers are held weakly and unreachable ones reported
     */
    public WorkStealingScheduler(int parallelism, boolean trackLeaks) {
        super("work-stealing", parallelism, DEFAULT_MAX_COMPENSATING, true, trackLeaks);
        start();
    }

    /** A closable scheduler with up to {@link CarrierPool#DEFAULT_MAX_COMPENSATING} compensating carriers. */
    public WorkStealingScheduler(int parallelism) {
        this(parallelism, DEFAULT_MAX_COMPENSATING, true);
    }

    @Override
    protected Carrier newCarrier(int index, boolean compensating, Carrier predecessor) {
        return new WsCarrier(this, index, compensating, (WsCarrier) predecessor);
    }

    // ----------------------------------------------------------------------------------------
    // Putting work on queues

    @Override
    protected void dispatch(Runnable task, Carrier self, int kind) {
        if (self == null) {
            injection.offer(task);
            signalWork();
        } else if (kind == YIELD || kind == YIELD_UNMOUNTED) {
            // No signal: the yielding carrier runs it (or a spinning carrier steals it); waking a
            // parked core on every yield would cost more than the yield itself.
            pushLocal((WsCarrier) self, task);
        } else {
            WsCarrier me = (WsCarrier) self;
            Runnable previous = me.swapLifo(task);
            if (previous != null) {
                pushLocal(me, previous);
                signalWork(); // the queue now holds stealable work
            }
        }
    }

    @Override
    protected void dispatchTo(Runnable task, Carrier target) {
        ((WsCarrier) target).inbox.offer(task);
    }

    /**
     * The LIFO slot and the queue of a carrier stuck in one task move to the injection queue (the
     * slot with the same {@code getAndSet} thieves use, the queue element by element with
     * {@link WorkQueue#stealOne}, so neither races with the owner), and an idle carrier is woken.
     *
     * <p>Why the queue too, not only the slot: its work is stealable, but only a carrier with
     * nothing of its own steals. While every other carrier runs work that regenerates itself
     * (fibers yielding in a loop, ping-pong), nobody steals, and the fibers queued behind a
     * carrier blocked outside Weft waited as long as it stayed blocked, though stand-ins ran
     * ({@code BlockedCarrierDetectedAfterBackoffTest} saw a fiber wait 30 s behind a latch). The
     * injection queue is polled by every carrier at least every {@link #GLOBAL_POLL_INTERVAL}
     * tasks. The cost falls on carriers in one task for a whole watchdog interval, busy or
     * blocked, whose queued work would otherwise wait at least that long.
     *
     * <p>Order: the owner, once its task returns, takes the injection queue first (the
     * {@code released} flag), so a fiber it queues then, such as the slow fiber yielding, runs
     * after the fibers moved, not before them ({@code SchedulerContractTest}'s yield
     * interleaving saw a one-carrier pool run one fiber six times in a row without this, on a
     * loaded machine).
     */
    @Override
    protected void releaseKeptWork(Carrier c) {
        WsCarrier w = (WsCarrier) c;
        boolean moved = false;
        Runnable t = w.stealLifo();
        if (t != null) {
            injection.offer(t);
            moved = true;
        }
        // At most one queue's worth per look: the owner may be pushing all the while (a long
        // task that spawns), and the watchdog must not spin here; the rest goes at the next look.
        for (int i = w.queue.capacity(); i > 0 && (t = w.queue.stealOne()) != null; i--) {
            injection.offer(t);
            moved = true;
        }
        if (moved) {
            // The owner's next look takes the injection queue first: what it queues meanwhile
            // (its running fiber yielding) then runs after what was queued before, not ahead of it.
            w.own.released = true;
            signalWork();
        }
    }

    /** Pushes to the owner's queue; when full, moves half of it and the task to the injection queue. */
    private void pushLocal(WsCarrier me, Runnable task) {
        if (!me.queue.push(task)) {
            for (int i = LOCAL_CAPACITY / 2; i > 0; i--) {
                Runnable r = me.queue.pop();
                if (r == null) {
                    break;
                }
                injection.offer(r);
            }
            injection.offer(task);
        }
    }

    // ----------------------------------------------------------------------------------------
    // Taking work

    @Override
    protected Runnable findWork(Carrier c) {
        WsCarrier me = (WsCarrier) c;
        Runnable t;
        OwnerState own = me.own;
        if (own.released) {
            own.released = false;
            if ((t = pollInjection(me)) != null) {
                return t;
            }
        }
        if (++own.tick % GLOBAL_POLL_INTERVAL == 0 && (t = pollInjection(me)) != null) {
            return t;
        }
        if (!me.inbox.isEmpty() && (t = me.inbox.poll()) != null) {
            return t;
        }
        if (own.lifoStreak < MAX_LIFO_STREAK && (t = me.takeLifo()) != null) {
            own.lifoStreak++;
            return t;
        }
        own.lifoStreak = 0;
        if ((t = me.queue.pop()) != null) {
            return t;
        }
        if ((t = me.takeLifo()) != null) { // the streak limit is reached and the queue is empty
            return t;
        }
        if ((t = pollInjection(me)) != null) {
            return t;
        }
        return steal(me);
    }

    private Runnable pollInjection(WsCarrier me) {
        if (injection.isEmpty() || !injectionLock.compareAndSet(false, true)) {
            return null;
        }
        try {
            Runnable first = injection.poll();
            if (first != null) {
                int share = Math.min(LOCAL_CAPACITY / 2, injection.size() / parallelism + 1);
                for (int i = 0; i < share; i++) {
                    Runnable r = injection.poll();
                    if (r == null || !me.queue.push(r)) {
                        if (r != null) {
                            injection.offer(r);
                        }
                        break;
                    }
                }
                if (share > 1 && !me.queue.isEmpty()) {
                    signalWork();
                }
            }
            return first;
        } finally {
            injectionLock.set(false);
        }
    }

    private Runnable steal(WsCarrier me) {
        Carrier[] cs = carriers;
        int n = slotLimit();
        int start = ThreadLocalRandom.current().nextInt(n); // called on the carrier's own stack
        for (int i = 0; i < n; i++) {
            if (cs[(start + i) % n] instanceof WsCarrier victim && victim != me) {
                Runnable t = victim.queue.stealHalf(me.queue);
                if (t == null && victim.keptWorkStealable()) {
                    t = victim.stealLifo();
                }
                if (t != null) {
                    me.countSteal();
                    return t;
                }
            }
        }
        return null;
    }

    @Override
    protected boolean hasVisibleWork(Carrier c) {
        if (!injection.isEmpty() || !((WsCarrier) c).inbox.isEmpty()) {
            return true;
        }
        Carrier[] cs = carriers;
        for (int i = 0, n = slotLimit(); i < n; i++) {
            if (cs[i] instanceof WsCarrier w && (!w.queue.isEmpty() || (w.keptWorkStealable() && w.lifoVisible()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected long queuedEstimate() {
        long n = injection.size();
        Carrier[] cs = carriers;
        for (int i = 0, limit = slotLimit(); i < limit; i++) {
            if (cs[i] instanceof WsCarrier w) {
                n += w.queue.size() + w.inbox.size() + (w.lifoVisible() ? 1 : 0);
            }
        }
        return n;
    }

    /**
     * A carrier with a local queue, a LIFO slot and an affinity inbox. A carrier that replaces a
     * dead one takes over all three (see {@link CarrierPool}): it becomes the owner of the ring
     * and the LIFO slot, and the single consumer of the inbox, which the dead thread can no longer
     * touch; thieves may have taken from the ring and the slot meanwhile, as from any carrier.
     */
    static final class WsCarrier extends Carrier {
        final WorkQueue<Runnable> queue;
        /** Fibers with affinity to this carrier; any thread offers, only this carrier polls. */
        final MpscUnboundedAtomicArrayQueue<Runnable> inbox;
        /**
         * The fields the owner writes on every task, in their own padded object: other carriers
         * read this carrier's object (its queue reference, its blocked mark) while they look for
         * work, and those reads must not share a cache line with the owner's writes.
         */
        final OwnerState own;

        WsCarrier(WorkStealingScheduler pool, int index, boolean compensating, WsCarrier predecessor) {
            super(pool, index, compensating, predecessor);
            if (predecessor != null) {
                queue = predecessor.queue;
                inbox = predecessor.inbox;
                own = predecessor.own;
            } else {
                queue = new WorkQueue<>(LOCAL_CAPACITY);
                inbox = new MpscUnboundedAtomicArrayQueue<>(64);
                own = new OwnerState();
            }
        }

        /** Owner only: puts {@code task} in the LIFO slot, returns the previous occupant. */
        Runnable swapLifo(Runnable task) {
            // An empty slot cannot be raced for (thieves only take non-null), so a release store will do.
            if (OwnerState.LIFO.getOpaque(own) == null) {
                OwnerState.LIFO.setRelease(own, task);
                return null;
            }
            return (Runnable) OwnerState.LIFO.getAndSet(own, task);
        }

        /** Owner only: a plain read first, so that an empty slot costs no atomic. */
        Runnable takeLifo() {
            return OwnerState.LIFO.getOpaque(own) == null ? null : (Runnable) OwnerState.LIFO.getAndSet(own, (Runnable) null);
        }

        /** Thieves, while the owner is blocked. */
        Runnable stealLifo() {
            return OwnerState.LIFO.getAcquire(own) == null ? null : (Runnable) OwnerState.LIFO.getAndSet(own, (Runnable) null);
        }

        boolean lifoVisible() {
            return OwnerState.LIFO.getAcquire(own) != null;
        }
    }

    /** Cache-line padding before the owner's hot fields (superclass fields are laid out first). */
    @SuppressWarnings("unused")
    abstract static class OwnerStatePad0 {
        long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    /** The owner's hot fields. */
    abstract static class OwnerStateFields extends OwnerStatePad0 {
        /** Written by the owner with getAndSet (or a release store when empty); taken by thieves only while the owner is marked blocked or dead, and by the watchdog when the owner has been in one task for a tick. */
        volatile Runnable lifo;
        /** Owner only. */
        int tick;
        /** Owner only. */
        int lifoStreak;
        /**
         * Set by the watchdog when it moved this carrier's kept work to the injection queue
         * ({@link #releaseKeptWork}), cleared by the owner as it takes the injection queue first
         * at its next look, so that yields keep their turn. A lost race costs order, never work.
         */
        volatile boolean released;
    }

    /** {@link OwnerStateFields} with padding after them. */
    @SuppressWarnings("unused")
    static final class OwnerState extends OwnerStateFields {
        static final VarHandle LIFO;

        static {
            try {
                LIFO = MethodHandles.lookup().findVarHandle(OwnerStateFields.class, "lifo", Runnable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long p10, p11, p12, p13, p14, p15, p16, p17;
    }
}
