package dev.weft.fiber.impl.sync;

import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.impl.core.Strand;
import dev.weft.fiber.spi.SyncProvider;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The reentrant lock behind {@link dev.weft.fiber.FiberLock}, owned by a <em>strand</em>
 * ({@link Strand#current()}: the fiber, or the thread outside fibers), never by a carrier thread.
 *
 * <h2>Implementation overview</h2>
 * The model is {@link java.util.concurrent.locks.ReentrantLock} over
 * {@code AbstractQueuedSynchronizer}: an atomically updated owner for the uncontended path, a FIFO
 * of waiter nodes for the contended one, and conditions whose waiters move to the lock's FIFO
 * when signalled. What differs, and why:
 * <ul>
 *   <li><b>The owner is an object, not a count.</b> AQS keeps a state int and an exclusive-owner
 *   thread; here {@link #owner} (the strand, CASed {@code null -> self}) is the lock word itself,
 *   and {@link #holds} is a plain int touched only by the owner. A fiber that migrates keeps its
 *   identity ({@code FiberImpl}), so it stays the owner on its new carrier, and another fiber on
 *   its old carrier is not.</li>
 *   <li><b>Waiting is {@link Strand#park}</b>, so a waiting fiber suspends instead of blocking its
 *   carrier (AQS parks with {@code LockSupport}, which would block the carrier thread).</li>
 *   <li><b>The FIFO is a doubly linked {@link WaitList} guarded by a {@link SpinLock}</b>, not
 *   AQS's lock-free CLH variant: the guarded sections are a few pointer writes, a waiter that gives
 *   up unlinks itself in O(1), and whether a node was granted the lock or left it is decided under
 *   one lock, which keeps cancellation simple (no CANCELLED nodes to skip, no lost hand-off). The
 *   uncontended path never touches it: lock is one CAS, unlock one volatile store and one
 *   volatile read of the list size.</li>
 *   <li><b>Fair mode hands the lock over</b>: a release with waiters writes the first waiter's
 *   strand into {@link #owner} under the spin lock and unparks it (the waiter finds itself
 *   {@link Waiter#GRANTED}); the lock is never free while someone waits, so nobody but
 *   {@code tryLock()} barges. AQS's fair mode instead frees the lock and lets arrivals check
 *   {@code hasQueuedPredecessors()}.</li>
 *   <li><b>Non-fair mode frees the lock and wakes the first waiter</b>, which retries its CAS and
 *   may lose to a barger (throughput: the releaser, often about to lock again, is not made to wait
 *   for a sleeping fiber to be scheduled). Unlike AQS, the unfairness is bounded: a first waiter
 *   that has lost {@link #LOST_RACES_BEFORE_HAND_OFF} races after being woken marks itself
 *   {@link #starving}, and the next release hands the lock to it as the fair mode does.</li>
 * </ul>
 *
 * <p><b>Invariants.</b> (1) {@code owner} changes only by a CAS from null (acquire), by the owner
 * writing null (non-fair release) or by the owner, under the spin lock, writing a queued waiter's
 * strand (hand-off). (2) A waiter is GRANTED only by a hand-off, which removed it from the list
 * and made it the owner; a waiter that leaves on its own (barged CAS, time-out, interrupt, cancel)
 * does so under the spin lock after checking it was not GRANTED, so the lock is never handed to a
 * waiter that has gone: if it was handed over first, the leaving waiter owns the lock and either
 * keeps it (time-out, interrupt: the acquisition won) or releases it (cancel) before it throws.
 * (3) In fair mode, the lock is free with waiters queued only for the instant between a new
 * waiter's enqueue and its own CAS, both under the spin lock; after a waiter leaves, a free lock
 * is handed to the new first waiter.
 *
 * <p><b>No lost wake-up (non-fair).</b> A waiter appends itself (volatile write of the list size)
 * and then CASes {@code owner}; a releaser writes {@code owner = null} and then reads the list
 * size. Both pairs are volatile accesses, so at least one side sees the other's write: the waiter
 * gets the lock, or the releaser wakes the first waiter (which is this one or one ahead of it,
 * whose own release will wake the next). A waiter that leaves the list re-checks for a free lock
 * and wakes the new first waiter, so its leaving cannot strand those behind it.
 *
 * <p><b>Memory ordering.</b> The acquiring CAS on {@code owner} (volatile) pairs with the
 * releasing volatile store of null, or with the hand-off's volatile store of the new owner;
 * {@code holds} is written by the owner only (reset to 0 before the release store, set by the new
 * owner after it acquired), so it needs no ordering of its own.
 *
 * <p><b>Conditions</b> ({@link StrandCondition}) keep their own {@link WaitList}, guarded by this
 * lock's spin lock. {@code await} saves the holds, releases fully, parks until its node leaves the
 * condition (a signal moved it to the lock's list, or its time-out, interrupt or cancel did), then
 * waits on the lock's list like any waiter, uninterruptibly and, after a cancel, ignoring further
 * cancels ({@link Strand#parkIgnoringCancel}): it holds the lock again before it returns or throws.
 */
final class StrandLock implements SyncProvider.LockCore {
    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(StrandLock.class, "owner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * How many times a woken first waiter of a non-fair lock may lose the lock to bargers before
     * the next release hands the lock to it directly ({@code weft.sync.lock.lostRacesBeforeHandOff},
     * default 4): barging keeps a busy lock moving, the bound keeps a waiter from starving.
     */
    static final int LOST_RACES_BEFORE_HAND_OFF = Math.max(1, Integer.getInteger("weft.sync.lock.lostRacesBeforeHandOff", 4));

    /** acquireQueued outcomes. */
    private static final int TIMED_OUT = 0;
    private static final int ACQUIRED = 1;
    /** Acquired, and an interrupt arrived that the wait did not act on: the caller restores it (or not). */
    private static final int ACQUIRED_INTERRUPTED = 2;

    private final boolean fair;

    /** The holding strand, or null: the lock word. See the class comment for who writes it. */
    private volatile Object owner;

    /** Holds by the owner; written only by the owner (0 when free). */
    private int holds;

    /** Guards {@link #queue}, the conditions' lists and {@link #starving}'s writes. */
    final SpinLock guard = new SpinLock();

    /** Strands waiting to acquire, FIFO. */
    private final WaitList queue = new WaitList();

    /** Non-fair mode: the first waiter that lost too many races and asked for a hand-off, or null. Written under {@link #guard}. */
    private volatile Waiter starving;

    StrandLock(boolean fair) {
        this.fair = fair;
    }

    // ----------------------------------------------------------------------------------------
    // Lock

    @Override
    public void lock() {
        Object self = Strand.current();
        if (!tryAcquireArriving(self)) {
            int outcome;
            try {
                outcome = acquireQueued(self, enqueue(self), false, 0L, 1, false);
            } catch (InterruptedException impossible) {
                throw new AssertionError("an uninterruptible lock threw " + impossible, impossible);
            }
            if (outcome == ACQUIRED_INTERRUPTED) {
                Strand.reinterrupt(self); // interrupts are ignored while waiting, and the status is kept
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        Object self = Strand.current();
        if (Strand.interrupted(self)) {
            throw new InterruptedException(Strand.describe(self) + " was interrupted before locking " + this);
        }
        if (!tryAcquireArriving(self)) {
            acquireQueuedInterruptibly(self, 0L);
        }
    }

    @Override
    public boolean tryLock() {
        Object self = Strand.current();
        Object o = owner;
        if (o == null) {
            if (OWNER.compareAndSet(this, null, self)) {
                holds = 1;
                return true;
            }
            return false;
        }
        if (o == self) {
            addHold();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        Object self = Strand.current();
        if (Strand.interrupted(self)) {
            throw new InterruptedException(Strand.describe(self) + " was interrupted before locking " + this);
        }
        if (tryAcquireArriving(self)) {
            return true;
        }
        long nanos = unit.toNanos(time);
        if (nanos <= 0) {
            return false;
        }
        return acquireQueuedInterruptibly(self, Waiter.deadlineAfter(self, nanos));
    }

    @Override
    public void unlock() {
        Object self = Strand.current();
        if (owner != self) {
            throw new IllegalMonitorStateException(Strand.describe(self) + " cannot unlock " + this + ": it does not hold it");
        }
        int h = holds - 1;
        if (h > 0) {
            holds = h;
            return;
        }
        holds = 0;
        releaseFully();
    }

    @Override
    public Condition newCondition() {
        return new StrandCondition();
    }

    @Override
    public int holdCount() {
        return owner == Strand.current() ? holds : 0;
    }

    @Override
    public boolean isHeldByCurrent() {
        return owner == Strand.current();
    }

    @Override
    public boolean isLocked() {
        return owner != null;
    }

    @Override
    public boolean isFair() {
        return fair;
    }

    @Override
    public int queueLength() {
        return queue.size();
    }

    @Override
    public String toString() {
        Object o = owner;
        String state = o == null ? "unlocked" : "locked by " + Strand.describe(o) + ", holds = " + holds;
        return state + ", waiting = " + queue.size() + (fair ? ", fair" : ", non-fair");
    }

    // ----------------------------------------------------------------------------------------
    // Acquire and release

    /** The arrival's attempt: reentry, or a CAS on a free lock (fair mode: only if nobody waits). */
    private boolean tryAcquireArriving(Object self) {
        Object o = owner;
        if (o == null) {
            if ((!fair || queue.size() == 0) && OWNER.compareAndSet(this, null, self)) {
                holds = 1;
                return true;
            }
            return false;
        }
        if (o == self) {
            addHold();
            return true;
        }
        return false;
    }

    private void addHold() {
        int h = holds;
        if (h == Integer.MAX_VALUE) {
            throw new Error("Maximum lock count exceeded"); // ReentrantLock's own error
        }
        holds = h + 1;
    }


    /** A new waiter for {@code self}, on the list, or already the owner (fair mode, free lock, nobody ahead). */
    private Waiter enqueue(Object self) {
        Waiter node = new Waiter(self, 0, Waiter.WAITING);
        guard.lock();
        try {
            appendOrGrantLocked(node);
        } finally {
            guard.unlock();
        }
        return node;
    }

    /**
     * Puts {@code node} on the lock's list, or, in fair mode with nobody waiting and the lock free,
     * makes it the owner at once. Caller holds {@link #guard}.
     */
    void appendOrGrantLocked(Waiter node) {
        if (fair && queue.size() == 0 && OWNER.compareAndSet(this, null, node.strand)) {
            node.status = Waiter.GRANTED;
            return;
        }
        node.status = Waiter.WAITING;
        queue.addLast(node);
    }

    private boolean acquireQueuedInterruptibly(Object self, long deadline) throws InterruptedException {
        Waiter node = enqueue(self);
        int outcome = acquireQueued(self, node, true, deadline, 1, false);
        if (outcome == ACQUIRED_INTERRUPTED) {
            Strand.reinterrupt(self); // handed the lock as the interrupt came: the acquisition won, the status is kept
        }
        return outcome != TIMED_OUT;
    }

    /**
     * Waits on the lock's list until {@code node} owns the lock, then sets the holds to
     * {@code newHolds}.
     *
     * @param interruptible whether an interrupt ends the wait (InterruptedException, node removed)
     * @param deadline deadline on the strand's clock ({@link Strand#nanoTime}), 0 for none
     * @param mustAcquire a condition's reacquire: cancels neither end the wait nor throw here (the
     *        caller rethrows its own); interrupts are only reported
     * @return {@link #ACQUIRED}, {@link #ACQUIRED_INTERRUPTED} (an interrupt was not acted on) or
     *         {@link #TIMED_OUT} (node removed)
     * @throws InterruptedException if interruptible and interrupted (node removed, interrupt status cleared)
     * @throws FiberCancelledException if not mustAcquire and the fiber is cancelled; a lock handed
     *         to it meanwhile has been passed on
     */
    private int acquireQueued(Object self, Waiter node, boolean interruptible, long deadline, int newHolds,
                              boolean mustAcquire) throws InterruptedException {
        boolean interrupted = false;
        boolean ignoreCancel = false;
        int lostRaces = 0;
        boolean woken = false;
        while (true) {
            if (node.status == Waiter.GRANTED) {
                break;
            }
            if (!fair && owner == null && OWNER.compareAndSet(this, null, self)) {
                leaveAfterBarging(node);
                break;
            }
            if (woken && !fair && ++lostRaces == LOST_RACES_BEFORE_HAND_OFF) {
                askForHandOff(node);
            }
            long left = 0L;
            if (deadline != 0L) {
                left = deadline - Strand.nanoTime(self);
                if (left <= 0L) {
                    if (leave(node)) {
                        Waiter.restoreIf(self, interrupted);
                        return TIMED_OUT;
                    }
                    break; // handed the lock as time ran out: the acquisition won
                }
            }
            try {
                if (ignoreCancel) {
                    Strand.parkIgnoringCancel(self, left, this);
                } else {
                    Strand.park(self, left, this);
                }
            } catch (FiberCancelledException cancelled) {
                if (mustAcquire) {
                    ignoreCancel = true;
                    continue;
                }
                if (!leave(node)) {
                    releaseFully(); // it was handed to us (holds still 0): pass it on before unwinding
                }
                Waiter.restoreIf(self, interrupted);
                throw cancelled;
            }
            woken = true;
            if (Strand.interrupted(self)) {
                if (interruptible) {
                    if (leave(node)) {
                        throw new InterruptedException(Strand.describe(self) + " was interrupted while waiting for " + this);
                    }
                    interrupted = true; // handed the lock as the interrupt came
                    break;
                }
                interrupted = true;
            }
        }
        holds = newHolds;
        return interrupted ? ACQUIRED_INTERRUPTED : ACQUIRED;
    }


    /** Non-fair: {@code node} took the lock by CAS and leaves the list. */
    private void leaveAfterBarging(Waiter node) {
        guard.lock();
        try {
            queue.remove(node);
            node.status = Waiter.REMOVED;
            if (starving == node) {
                starving = null;
            }
        } finally {
            guard.unlock();
        }
    }

    /** Non-fair: the first waiter asks the next release for a hand-off. */
    private void askForHandOff(Waiter node) {
        guard.lock();
        try {
            if (node.status == Waiter.WAITING && queue.first() == node) {
                starving = node;
            }
        } finally {
            guard.unlock();
        }
    }

    /**
     * A waiter gives up (time-out, interrupt, cancel): leaves the list unless it was handed the
     * lock first, and then makes sure a free lock does not strand those behind it.
     *
     * @return true if it left; false if it owns the lock
     */
    private boolean leave(Waiter node) {
        Waiter grant = null;
        guard.lock();
        try {
            if (node.status == Waiter.GRANTED) {
                return false;
            }
            queue.remove(node);
            node.status = Waiter.REMOVED;
            if (starving == node) {
                starving = null;
            }
            if (owner == null && queue.size() > 0) {
                // fair: hand the free lock to the new first waiter; non-fair: wake it to retry
                grant = fair ? grantFirstLocked() : queue.first();
            }
        } finally {
            guard.unlock();
        }
        if (grant != null) {
            Strand.unpark(grant.strand);
        }
        return true;
    }

    /** Fair mode, lock free: hands it to the first waiter if the CAS wins; returns that waiter to unpark. Caller holds the guard. */
    private Waiter grantFirstLocked() {
        Waiter h = queue.first();
        if (h != null && OWNER.compareAndSet(this, null, h.strand)) {
            queue.remove(h);
            h.status = Waiter.GRANTED;
            return h;
        }
        return null;
    }

    /** The owner, holds already 0, lets go: hand-off (fair, or a starving waiter) or free-and-wake. */
    void releaseFully() {
        if (fair || starving != null) {
            handOff();
            return;
        }
        OWNER.setVolatile(this, null); // volatile: the releaser's half of the Dekker pair with a new waiter
        if (queue.size() > 0) {
            wakeFirst();
        }
    }

    private void handOff() {
        Waiter h;
        guard.lock();
        try {
            h = queue.first();
            if (h == null) {
                OWNER.setVolatile(this, null);
            } else {
                queue.remove(h);
                // Owner first, then GRANTED: the waiter reads its status without the guard (in its
                // park loop, woken or not) and, once it sees GRANTED, acts as the owner at once;
                // the volatile store of GRANTED publishes the owner store before it.
                OWNER.setVolatile(this, h.strand); // the new owner sets its holds when it runs
                h.status = Waiter.GRANTED;
            }
            starving = null;
        } finally {
            guard.unlock();
        }
        if (h != null) {
            Strand.unpark(h.strand);
        }
    }

    private void wakeFirst() {
        Waiter h;
        guard.lock();
        try {
            h = queue.first();
        } finally {
            guard.unlock();
        }
        if (h != null) {
            Strand.unpark(h.strand); // if it has just left, a spurious wake-up, which every park allows
        }
    }

    private void checkOwner(Object self) {
        if (owner != self) {
            throw new IllegalMonitorStateException(Strand.describe(self) + " does not hold " + this);
        }
    }

    // ----------------------------------------------------------------------------------------
    // Conditions

    /**
     * A condition of this lock, with {@code AbstractQueuedSynchronizer.ConditionObject}'s
     * contract: its waiters are a FIFO {@link WaitList} guarded by the lock's spin lock; a signal
     * (by the owner) moves the first one to the lock's list, where the next release wakes or
     * grants it like any waiter; a waiter whose time-out, interrupt or cancel comes first moves
     * itself there. Whichever move happens first (both under the spin lock) decides how the
     * interrupt is reported: before the signal, InterruptedException; after, the status is set again.
     */
    final class StrandCondition implements Condition {
        private final WaitList waiters = new WaitList();

        @Override
        public void await() throws InterruptedException {
            Object self = Strand.current();
            checkOwner(self);
            if (Strand.interrupted(self)) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted before awaiting a condition of " + StrandLock.this);
            }
            await0(self, true, UNTIMED, 0L);
        }

        @Override
        public void awaitUninterruptibly() {
            Object self = Strand.current();
            checkOwner(self);
            try {
                await0(self, false, UNTIMED, 0L);
            } catch (InterruptedException impossible) {
                throw new AssertionError("an uninterruptible await threw " + impossible, impossible);
            }
        }

        @Override
        public long awaitNanos(long nanosTimeout) throws InterruptedException {
            Object self = Strand.current();
            checkOwner(self);
            if (Strand.interrupted(self)) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted before awaiting a condition of " + StrandLock.this);
            }
            long now = Strand.nanoTime(self);
            long deadline = now + Math.max(0L, Math.min(nanosTimeout, Long.MAX_VALUE >>> 2));
            await0(self, true, NANO_DEADLINE, deadline);
            long remaining = deadline - Strand.nanoTime(self);
            return remaining <= nanosTimeout ? remaining : Long.MIN_VALUE; // as the JDK: no overflow into a huge value
        }

        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            Objects.requireNonNull(unit, "unit");
            Object self = Strand.current();
            checkOwner(self);
            if (Strand.interrupted(self)) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted before awaiting a condition of " + StrandLock.this);
            }
            long nanos = Math.max(0L, Math.min(unit.toNanos(time), Long.MAX_VALUE >>> 2));
            return await0(self, true, NANO_DEADLINE, Strand.nanoTime(self) + nanos);
        }

        @Override
        public boolean awaitUntil(Date deadline) throws InterruptedException {
            Objects.requireNonNull(deadline, "deadline");
            Object self = Strand.current();
            checkOwner(self);
            if (Strand.interrupted(self)) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted before awaiting a condition of " + StrandLock.this);
            }
            return await0(self, true, WALL_DEADLINE, deadline.getTime());
        }

        @Override
        public void signal() {
            checkOwner(Strand.current());
            guard.lock();
            try {
                Waiter w = waiters.first();
                if (w != null) {
                    transferLocked(w);
                }
            } finally {
                guard.unlock();
            }
        }

        @Override
        public void signalAll() {
            checkOwner(Strand.current());
            guard.lock();
            try {
                for (Waiter w; (w = waiters.first()) != null; ) {
                    transferLocked(w);
                }
            } finally {
                guard.unlock();
            }
        }

        /** Moves {@code w} from this condition to the lock's list. Caller holds the guard. */
        private void transferLocked(Waiter w) {
            waiters.remove(w);
            appendOrGrantLocked(w); // status CONDITION -> WAITING (or GRANTED): the waiter's loop ends
        }

        /** A waiter's own move to the lock's list; false if a signal moved it first. */
        private boolean leaveCondition(Waiter node) {
            Waiter grant = null;
            guard.lock();
            try {
                if (node.status != Waiter.CONDITION) {
                    return false;
                }
                transferLocked(node);
                if (fair && owner == null && node.status == Waiter.WAITING) {
                    grant = grantFirstLocked(); // a free fair lock with waiters ahead: do not leave it idle
                }
            } finally {
                guard.unlock();
            }
            if (grant != null && grant != node) {
                Strand.unpark(grant.strand);
            }
            return true;
        }

        /**
         * The wait: release fully, park until the node leaves the condition, reacquire with the
         * saved holds, then report.
         *
         * @return false if the time ran out before a signal
         */
        private boolean await0(Object self, boolean interruptible, int timing, long deadline) throws InterruptedException {
            Waiter node = new Waiter(self, 0, Waiter.CONDITION);
            guard.lock();
            try {
                waiters.addLast(node);
            } finally {
                guard.unlock();
            }
            int saved = holds;
            holds = 0;
            releaseFully();

            boolean timedOut = false;
            boolean interruptedBeforeSignal = false;
            boolean interruptedAfterSignal = false;
            FiberCancelledException cancelled = null;
            while (node.status == Waiter.CONDITION) {
                long left = 0L;
                if (timing != UNTIMED) {
                    left = remaining(self, timing, deadline);
                    if (left <= 0L) {
                        timedOut = leaveCondition(node);
                        break;
                    }
                }
                try {
                    Strand.park(self, left, this);
                } catch (FiberCancelledException e) {
                    cancelled = e;
                    leaveCondition(node);
                    break;
                }
                if (Strand.interrupted(self)) {
                    if (interruptible) {
                        if (leaveCondition(node)) {
                            interruptedBeforeSignal = true;
                        } else {
                            interruptedAfterSignal = true;
                        }
                        break;
                    }
                    interruptedAfterSignal = true;
                }
            }

            int outcome;
            try {
                outcome = acquireQueued(self, node, false, 0L, saved, true);
            } catch (InterruptedException impossible) {
                throw new AssertionError("an uninterruptible reacquire threw", impossible);
            }
            boolean restore = interruptedAfterSignal || outcome == ACQUIRED_INTERRUPTED;
            if (cancelled != null) {
                Waiter.restoreIf(self, restore || interruptedBeforeSignal);
                throw cancelled;
            }
            if (interruptedBeforeSignal) {
                throw new InterruptedException(Strand.describe(self) + " was interrupted while awaiting a condition of " + StrandLock.this);
            }
            Waiter.restoreIf(self, restore);
            return !timedOut;
        }

        @Override
        public String toString() {
            return "Condition[waiting = " + waiters.size() + "] of FiberLock[" + StrandLock.this + "]";
        }
    }

    private static final int UNTIMED = 0;
    /** deadline is a {@link Strand#nanoTime} value of the waiting strand. */
    private static final int NANO_DEADLINE = 1;
    /** deadline is a System.currentTimeMillis() value (awaitUntil). */
    private static final int WALL_DEADLINE = 2;

    private static long remaining(Object self, int timing, long deadline) {
        if (timing == NANO_DEADLINE) {
            return deadline - Strand.nanoTime(self);
        }
        long millis = deadline - System.currentTimeMillis();
        return millis <= 0L ? 0L : TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
