package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;
import dev.weft.fiber.ChannelInterruptedException;
import dev.weft.fiber.ChannelResult;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.SelectClause;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.core.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Every kind of Weft channel: rendezvous (capacity 0), buffered with each {@link BufferOverflow}
 * policy, unbounded ({@code Integer.MAX_VALUE}, the buffer grows) and conflated (a buffer of one
 * that drops the oldest). Internal: users get it from {@code Channels}.
 *
 * <h2>Implementation overview</h2>
 * A channel is a short critical section guarded by a small CAS lock ({@link #lock()}), around
 * <ul>
 *   <li>a ring buffer ({@link #buffer}, {@link #head}, {@link #count}) of accepted items, grown
 *       by doubling up to the capacity (so a large or unbounded capacity costs memory only when
 *       used, and a buffer that has reached its working size allocates nothing more);</li>
 *   <li>two intrusive FIFO queues of {@link Waiter}s, {@link #senders} and {@link #receivers};</li>
 *   <li>the close flag and cause.</li>
 * </ul>
 * An operation takes the lock, does what it can (hand the item to the oldest waiting receiver,
 * buffer it, take the oldest buffered item and refill the buffer from the oldest waiting sender,
 * take an item straight from a waiting sender, or enqueue its own node), releases the lock, and
 * only then wakes the one strand it matched ({@link #pendingWake}) and, if it has to wait, parks
 * with {@link Strand#park}. Nothing parks, and no user code runs, with the lock held.
 *
 * <p><b>Invariants</b> (under the lock; "live" = a plain node, or a select node whose select is
 * undecided): there is a live waiting receiver only if the buffer is empty; a live waiting sender
 * only if the buffer is full (for rendezvous: always) and the policy is {@code SUSPEND}; never both
 * live senders and live receivers; after close, no live sender, and no live receiver. Nodes of
 * decided selects may linger in a queue; a matcher that meets one drops it.
 *
 * <p><b>Hand-off.</b> The matcher dequeues the waiter, reads its strand, writes the item into the
 * node (receiver) or takes the node's item (sender), sets the node's terminal state with a
 * release store (a select node: the select's one CAS), releases the lock and unparks the strand.
 * The waiter loops on {@link Waiter#stateAcquire()} around its park, so a spurious or early
 * wake-up is harmless, and an unpark that comes before its park is kept as a permit.
 *
 * <p><b>Interrupt, cancel, time-out.</b> A waiter woken without a match takes the lock: if its
 * node is still WAITING it unlinks it (O(1)) and gives up: the channel is as if it had never
 * come. If not, a matcher (or the close) got there first and the operation has completed: a send
 * returns normally (its item was accepted) and a receive returns its item, with the interrupt
 * status set again. A fiber whose park threw {@link FiberCancelledException} after its item was
 * handed over returns the item too rather than lose it: a fiber's cancel flag is sticky, so its
 * next suspension point throws.
 *
 * <p><b>No allocation per message.</b> A send or receive that does not wait touches only the
 * buffer. One that waits uses its strand's own node: a field of {@link FiberImpl} for a fiber,
 * a thread local for a thread. A fiber waits in at most one plain channel operation at a time, and
 * its node is out of every queue before the operation returns, so the reuse is safe. Selects
 * allocate (see {@link ChannelSelect}).
 *
 * <h2>What was taken from the Kotlin paper and jox, and what was changed</h2>
 * Koval, Alistarh and Elizarov ("Fast and Scalable Channels in Kotlin Coroutines", PPoPP 2023)
 * and jox (SoftwareMill's Java channels, built on it) keep an infinite array of cells in linked
 * segments, indexed by fetch-and-add counters of senders and receivers; a sender and a receiver
 * that draw the same cell number meet in that cell without a lock, and the buffer is a third
 * counter that moves ahead of the receivers. Taken from them here: the semantics (rendezvous as
 * buffer 0, buffering as "the receiver side runs ahead by the capacity", close that lets the
 * buffer drain, exact cancellation, select as a one-time decision per waiter), FIFO service of
 * waiters, the waiter recorded with its strand and woken after the match, and the rule that the
 * park of the wait is the runtime's own (here Weft's park/unpark). Changed: a per-channel lock
 * instead of the lock-free cells. Reasons: (1) the cell array allocates segments as the counters
 * advance, and each waiter stores a continuation object; here a waiting strand reuses its own
 * node and the ring buffer is allocated once, so a message costs zero bytes at steady state, a
 * target of this issue; (2) cancellation is exact and O(1) (unlink under the lock) instead of
 * leaving interrupted cells that later operations skip and segments that must be removed;
 * (3) select is simple: it takes the locks of its channels in a fixed order, so registering all
 * its clauses is atomic and no other strand ever sees half a select. The cost is that senders
 * and receivers of one channel serialise on the lock; the critical section is a few dozen
 * instructions, while a hand-off between parked fibers is dominated by the park and unpark (a
 * continuation yield, the held-monitor check and a scheduler submit), so the lock is not expected
 * to be the bottleneck. That is a claim for the JMH benchmarks in fiber-bench to check; a rough
 * probe ({@code ChannelLatencyProbeTest}, numbers in docs/internals.md) agrees: a ping-pong round
 * trip of four parks took 3.4 to 4.1 us, and 0.35 to 0.76 us with the held-monitor check off.
 *
 * <h2>The lock</h2>
 * A test-and-test-and-set spin lock on {@link #lockWord}: a CAS, then {@code onSpinWait} spins,
 * then {@code Thread.yield()}. Not {@code synchronized} (a fiber that parked with a monitor frame
 * of this class on its stack would make Weft's held-monitor check take its slow path) and not a
 * {@code java.util.concurrent} lock (it would record the carrier thread as owner, which goes stale
 * when a fiber migrates). Because the lock is never held across a park, the holder is always
 * running and the wait is short. It is not reentrant: nothing done under it calls user code,
 * {@link #toString()} or an exception message (which would take it again). A select holds the
 * locks of several channels at once, always in increasing {@link #id} order, so it cannot
 * deadlock with another select.
 */
public final class WeftChannel<T> implements Channel<T> {

    /** Results of the locked primitives; strands and items are never these. */
    static final Object EMPTY = new Marker("EMPTY");
    static final Object FULL = new Marker("FULL");
    static final Object CLOSED = new Marker("CLOSED");
    static final Object SENT = new Marker("SENT");
    static final Object DROPPED = new Marker("DROPPED");

    private static final int INITIAL_BUFFER = 16;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int SPINS_BEFORE_YIELD = 64;

    private static final AtomicLong IDS = new AtomicLong();
    private static final ThreadLocal<Waiter> THREAD_NODE = ThreadLocal.withInitial(Waiter::new);

    private static final VarHandle LOCK;
    private static final VarHandle CLOSED_FLAG;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(WeftChannel.class, "lockWord", int.class);
            CLOSED_FLAG = l.findVarHandle(WeftChannel.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Unique, increasing: the order in which a select takes the locks of its channels. */
    final long id = IDS.incrementAndGet();
    private final int capacity;
    private final BufferOverflow overflow;

    /** 0 free, 1 held. */
    @SuppressWarnings("unused") // through LOCK
    private volatile int lockWord;

    // ---- guarded by the lock ----
    private Object[] buffer;
    private int head;
    private int count;
    private final WaiterQueue senders = new WaiterQueue();
    private final WaiterQueue receivers = new WaiterQueue();
    /** The strand a locked primitive matched, woken by {@link #unlockAndWake()} after the lock is released. */
    private Object pendingWake;
    /** Written once, before {@link #closed}, whose release publishes it. */
    private Throwable closeCause;

    /** Set once, under the lock; read without it by {@link #isClosedForSend()}. */
    @SuppressWarnings("unused") // through CLOSED_FLAG, except for reads under the lock
    private volatile boolean closed;

    /**
     * @param capacity 0 (rendezvous), 1 to {@code Integer.MAX_VALUE - 1}, or {@code Integer.MAX_VALUE}
     *        (unbounded)
     * @param overflow the policy when the buffer is full; {@code SUSPEND} for capacity 0
     */
    public WeftChannel(int capacity, BufferOverflow overflow) {
        Objects.requireNonNull(overflow, "overflow");
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity must be at least 0, not " + capacity);
        }
        if (capacity == 0 && overflow != BufferOverflow.SUSPEND) {
            throw new IllegalArgumentException("a channel with overflow policy " + overflow
                    + " needs a capacity of at least 1 (capacity 0 has no buffer to drop from)");
        }
        this.capacity = capacity;
        this.overflow = overflow;
        this.buffer = new Object[Math.min(capacity, INITIAL_BUFFER)];
    }

    // ------------------------------------------------------------------------------------------
    // The lock

    void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    private void lockContended() {
        for (int spins = 0; ; spins++) {
            if ((int) LOCK.getOpaque(this) == 0 && LOCK.compareAndSet(this, 0, 1)) {
                return;
            }
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder is running (it never parks holding the lock): let it finish
            }
        }
    }

    /** Releases the lock; the release store publishes everything written in the critical section. */
    void unlock() {
        LOCK.setRelease(this, 0);
    }

    /** Releases the lock, then wakes the strand the critical section matched, if any. */
    void unlockAndWake() {
        Object s = pendingWake;
        pendingWake = null;
        unlock();
        if (s != null) {
            Strand.unpark(s);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Locked primitives (the caller holds the lock); also used by ChannelSelect

    private boolean closedLocked() {
        return (boolean) CLOSED_FLAG.get(this); // under the lock, which orders it
    }

    /**
     * Offers {@code item} without waiting.
     *
     * @return {@link #SENT} (handed to a receiver, whose strand is in {@link #pendingWake}, or
     *         buffered), {@link #DROPPED}, {@link #FULL} or {@link #CLOSED}
     */
    Object offerLocked(Object item) {
        if (closedLocked()) {
            return CLOSED;
        }
        for (Waiter r; (r = receivers.pollFirst()) != null; ) {
            Object strand = r.strand; // before the hand-over: a plain node may be reused right after it
            if (r.tryHandOver(item)) {
                pendingWake = strand;
                return SENT;
            }
        }
        if (count < capacity) {
            addToBuffer(item);
            return SENT;
        }
        switch (overflow) {
            case DROP_OLDEST -> {
                removeFromBuffer();
                addToBuffer(item);
                return SENT;
            }
            case DROP_NEWEST -> {
                return DROPPED;
            }
            default -> {
                return FULL;
            }
        }
    }

    /**
     * Takes an item without waiting: the oldest buffered one (then the oldest waiting sender's item
     * moves into the buffer), or a waiting sender's.
     *
     * @return the item (a woken sender's strand is in {@link #pendingWake}), {@link #EMPTY}, or
     *         {@link #CLOSED} (closed and drained)
     */
    Object pollLocked() {
        if (count > 0) {
            Object x = removeFromBuffer();
            for (Waiter s; (s = senders.pollFirst()) != null; ) {
                Object offered = s.item;
                Object strand = s.strand;
                if (s.tryTake()) {
                    addToBuffer(offered);
                    pendingWake = strand;
                    break;
                }
            }
            return x;
        }
        for (Waiter s; (s = senders.pollFirst()) != null; ) {
            Object offered = s.item;
            Object strand = s.strand;
            if (s.tryTake()) {
                pendingWake = strand;
                return offered;
            }
        }
        return closedLocked() ? CLOSED : EMPTY;
    }

    /** Enqueues a select node; under the lock, after {@link #offerLocked}/{@link #pollLocked} found nothing. */
    void enqueueLocked(Waiter node) {
        (node.isReceive() ? receivers : senders).addLast(node);
    }

    /** Takes a select node out of its queue if it is still there (the select's clean-up). */
    void removeIfQueued(Waiter node) {
        lock();
        if (node.queued) {
            (node.isReceive() ? receivers : senders).remove(node);
        }
        unlock();
    }

    private void addToBuffer(Object x) {
        Object[] b = buffer;
        if (count == b.length) {
            b = grow();
        }
        int i = head + count;
        if (i >= b.length) {
            i -= b.length;
        }
        b[i] = x;
        count++;
    }

    private Object removeFromBuffer() {
        Object[] b = buffer;
        Object x = b[head];
        b[head] = null; // the channel does not keep a received item reachable
        if (++head == b.length) {
            head = 0;
        }
        count--;
        return x;
    }

    private Object[] grow() {
        Object[] old = buffer;
        int n = (int) Math.min(Math.min((long) capacity, MAX_ARRAY), Math.max(2L * old.length, INITIAL_BUFFER));
        if (n <= old.length) {
            throw new OutOfMemoryError("channel buffer cannot grow past " + old.length + " items");
        }
        Object[] b = new Object[n];
        for (int k = 0; k < count; k++) {
            int i = head + k;
            b[k] = old[i >= old.length ? i - old.length : i];
        }
        head = 0;
        buffer = b;
        return b;
    }

    // ------------------------------------------------------------------------------------------
    // Send

    @Override
    public void send(T item) throws InterruptedException {
        send0(requireItem(item), false, 0L);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns true also when a {@link BufferOverflow#DROP_NEWEST} channel dropped the item: such
     * a send never waits, and its item was dealt with as the policy says.
     */
    @Override
    public boolean send(T item, Duration timeout) throws InterruptedException {
        requireItem(item);
        return send0(item, true, waitNanos(timeout));
    }

    private boolean send0(Object item, boolean timed, long nanos) throws InterruptedException {
        lock();
        Object r;
        try {
            r = offerLocked(item);
        } catch (Throwable t) { // an OutOfMemoryError growing the buffer
            unlockAndWake();
            throw t;
        }
        if (r != FULL) {
            unlockAndWake();
            if (r == CLOSED) {
                throw closedForSend();
            }
            return true;
        }
        if (timed && nanos <= 0) {
            unlock();
            return false;
        }
        Object self = Strand.current();
        Waiter node = plainNode(self);
        node.prepare(self, item);
        senders.addLast(node);
        unlock();
        int outcome = awaitPlain(node, self, senders, timed, nanos, "send");
        node.item = null; // the node must not keep the item reachable
        return switch (outcome) {
            case Waiter.DONE -> true;
            case Waiter.CLOSED -> throw closedForSend();
            default -> false; // timed out
        };
    }

    @Override
    public ChannelResult<T> trySend(T item) {
        requireItem(item);
        lock();
        Object r;
        try {
            r = offerLocked(item);
        } finally {
            unlockAndWake();
        }
        if (r == SENT) {
            return ChannelResult.sent();
        }
        if (r == CLOSED) {
            return ChannelResult.failed(ChannelResult.Status.CLOSED, closeCause);
        }
        return ChannelResult.failed(r == DROPPED ? ChannelResult.Status.DROPPED : ChannelResult.Status.FULL, null);
    }

    // ------------------------------------------------------------------------------------------
    // Receive

    @Override
    public T receive() throws InterruptedException {
        Object x = receive0(false, 0L);
        if (x == CLOSED) {
            throw closedForReceive();
        }
        return cast(x);
    }

    @Override
    public T receive(Duration timeout) throws InterruptedException {
        Object x = receive0(true, waitNanos(timeout));
        if (x == CLOSED) {
            throw closedForReceive();
        }
        return cast(x);
    }

    /** @return the item, {@link #CLOSED}, or null when a timed receive ran out of time */
    private Object receive0(boolean timed, long nanos) throws InterruptedException {
        lock();
        Object r = pollLocked();
        if (r != EMPTY) {
            unlockAndWake();
            return r;
        }
        if (timed && nanos <= 0) {
            unlock();
            return null;
        }
        Object self = Strand.current();
        Waiter node = plainNode(self);
        node.prepare(self, null);
        receivers.addLast(node);
        unlock();
        int outcome = awaitPlain(node, self, receivers, timed, nanos, "receive");
        Object x = node.item;
        node.item = null;
        return switch (outcome) {
            case Waiter.DONE -> x;
            case Waiter.CLOSED -> CLOSED;
            default -> null;
        };
    }

    @Override
    public ChannelResult<T> tryReceive() {
        lock();
        Object r = pollLocked();
        unlockAndWake();
        if (r == EMPTY) {
            return ChannelResult.failed(ChannelResult.Status.EMPTY, null);
        }
        if (r == CLOSED) {
            return ChannelResult.failed(ChannelResult.Status.CLOSED, closeCause);
        }
        return ChannelResult.received(cast(r));
    }

    // ------------------------------------------------------------------------------------------
    // Waiting

    /** The reusable node of {@code self}; see "No allocation per message" in the class comment. */
    private static Waiter plainNode(Object self) {
        if (self instanceof FiberImpl<?> f) {
            Object n = f.channelNode;
            if (n == null) {
                f.channelNode = n = new Waiter();
            }
            return (Waiter) n;
        }
        return THREAD_NODE.get();
    }

    /** Marks an outcome of {@link #awaitPlain} that no node state has. */
    private static final int TIMED_OUT = -1;

    /**
     * Parks until {@code node}, which the caller has enqueued in {@code queue}, is matched or
     * closed, or the wait ends without a match (then the node is unlinked: no trace is left).
     *
     * @return {@link Waiter#DONE}, {@link Waiter#CLOSED}, or {@link #TIMED_OUT}
     * @throws InterruptedException if interrupted before a match (the node was unlinked)
     * @throws FiberCancelledException if the fiber was cancelled before a match (the node was unlinked)
     */
    private int awaitPlain(Waiter node, Object self, WaiterQueue queue, boolean timed, long nanos, String what)
            throws InterruptedException {
        long deadline = timed ? Strand.nanoTime(self) + nanos : 0L;
        try {
            for (;;) {
                int s = node.stateAcquire();
                if (s != Waiter.WAITING) {
                    return s;
                }
                if (isInterrupted(self)) {
                    Strand.interrupted(self); // consume it: it either ends the wait or is set again below
                    if (giveUp(node, queue)) {
                        throw new InterruptedException("interrupted while waiting to " + what + " on " + this);
                    }
                    Strand.reinterrupt(self); // matched first: the operation succeeded; keep the status
                    return node.stateAcquire();
                }
                long wait = 0L;
                if (timed) {
                    wait = deadline - Strand.nanoTime(self);
                    if (wait <= 0L) {
                        return giveUp(node, queue) ? TIMED_OUT : node.stateAcquire();
                    }
                }
                Strand.park(self, wait, this);
            }
        } catch (FiberCancelledException e) {
            if (giveUp(node, queue)) {
                throw e;
            }
            // Matched before the cancel was seen: the item was handed over, so complete normally
            // rather than lose it; the fiber's cancel flag is sticky and its next suspension throws.
            return node.stateAcquire();
        } catch (RuntimeException | Error e) { // nothing else is expected from a park; leave no waiter behind
            giveUp(node, queue);
            throw e;
        }
    }

    /** Unlinks a still-waiting plain node; false if a matcher or the close decided it first. */
    private boolean giveUp(Waiter node, WaiterQueue queue) {
        lock();
        try {
            if (node.stateLocked() != Waiter.WAITING) {
                return false;
            }
            queue.remove(node);
            node.cancelLocked();
            node.item = null; // a sender's item: the reused node must not keep it reachable
            return true;
        } finally {
            unlock();
        }
    }

    static boolean isInterrupted(Object self) {
        return self instanceof FiberImpl<?> f ? f.isInterrupted() : ((Thread) self).isInterrupted();
    }

    // ------------------------------------------------------------------------------------------
    // Close

    @Override
    public boolean close() {
        return close0(null);
    }

    @Override
    public boolean close(Throwable cause) {
        return close0(Objects.requireNonNull(cause, "cause"));
    }

    private boolean close0(Throwable cause) {
        List<Object> wake = null;
        lock();
        try {
            if (closedLocked()) {
                return false;
            }
            closeCause = cause;
            CLOSED_FLAG.setVolatile(this, true);
            // Senders waiting now never had their items accepted: they fail.
            for (Waiter s; (s = senders.pollFirst()) != null; ) {
                wake = closeWaiter(s, wake);
            }
            // Receivers wait only on an empty buffer (see the invariants), so nothing is left for them.
            if (count == 0) {
                for (Waiter r; (r = receivers.pollFirst()) != null; ) {
                    wake = closeWaiter(r, wake);
                }
            }
        } finally {
            unlock();
        }
        if (wake != null) {
            for (Object s : wake) {
                Strand.unpark(s);
            }
        }
        return true;
    }

    private static List<Object> closeWaiter(Waiter w, List<Object> wake) {
        Object strand = w.strand;
        if (w.tryClose()) {
            if (wake == null) {
                wake = new ArrayList<>();
            }
            wake.add(strand);
        }
        return wake;
    }

    @Override
    public boolean isClosedForSend() {
        return (boolean) CLOSED_FLAG.getVolatile(this);
    }

    @Override
    public boolean isClosedForReceive() {
        lock();
        try {
            return closedLocked() && count == 0;
        } finally {
            unlock();
        }
    }

    ChannelClosedException closedForSend() {
        Throwable c = closeCause; // after reading closed (acquire) or under the lock
        return new ChannelClosedException("cannot send: the channel is closed"
                + (c == null ? "" : " (cause: " + c + ")") + ": " + this, c);
    }

    ChannelClosedException closedForReceive() {
        Throwable c = closeCause;
        return new ChannelClosedException("cannot receive: the channel is closed and every item was received"
                + (c == null ? "" : " (cause: " + c + ")") + ": " + this, c);
    }

    // ------------------------------------------------------------------------------------------
    // Description

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public BufferOverflow overflow() {
        return overflow;
    }

    /** How many items are buffered now; for tests and diagnostics. */
    int bufferedCount() {
        lock();
        try {
            return count;
        } finally {
            unlock();
        }
    }

    /** How many nodes are in the senders' queue now (a decided select's nodes until it removes them); for tests. */
    int waitingSenders() {
        lock();
        try {
            return senders.size();
        } finally {
            unlock();
        }
    }

    /** How many nodes are in the receivers' queue now; for tests. */
    int waitingReceivers() {
        lock();
        try {
            return receivers.size();
        } finally {
            unlock();
        }
    }

    private String kind() {
        if (capacity == 0) {
            return "rendezvous";
        }
        if (capacity == Integer.MAX_VALUE) {
            return "unbounded";
        }
        if (capacity == 1 && overflow == BufferOverflow.DROP_OLDEST) {
            return "conflated";
        }
        return overflow == BufferOverflow.SUSPEND ? "buffered(" + capacity + ")" : "buffered(" + capacity + ", " + overflow + ")";
    }

    @Override
    public String toString() {
        int buffered;
        int s;
        int r;
        boolean isClosed;
        Throwable cause;
        lock();
        try {
            buffered = count;
            s = senders.size();
            r = receivers.size();
            isClosed = closedLocked();
            cause = closeCause;
        } finally {
            unlock();
        }
        return "Channel#" + id + "[" + kind() + ", capacity " + capacity + ", buffered " + buffered
                + ", waiting senders " + s + ", waiting receivers " + r + ", "
                + (isClosed ? (cause == null ? "closed" : "closed (" + cause + ")") : "open") + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Iteration and select clauses

    @Override
    public Iterator<T> iterator() {
        return new ReceivingIterator();
    }

    @Override
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> action) {
        return new ChannelClause.Receive<>(this, Objects.requireNonNull(action, "action"));
    }

    @Override
    public <R> SelectClause<R> onSend(T item, Supplier<? extends R> action) {
        return new ChannelClause.Send<>(this, requireItem(item), Objects.requireNonNull(action, "action"));
    }

    /** {@link Channel#iterator()}: each {@code hasNext} that has no item yet receives one. */
    private final class ReceivingIterator implements Iterator<T> {
        private Object next;
        private boolean done;

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            Object x;
            try {
                x = receive0(false, 0L);
            } catch (InterruptedException e) {
                Strand.reinterrupt(Strand.current());
                throw new ChannelInterruptedException(e);
            }
            if (x == CLOSED) {
                if (closeCause != null) {
                    throw closedForReceive(); // and again on every later call: the end is a failure
                }
                done = true;
                return false;
            }
            next = x;
            return true;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the channel is closed and every item was received: " + WeftChannel.this);
            }
            T x = cast(next);
            next = null;
            return x;
        }
    }

    // ------------------------------------------------------------------------------------------

    private static <T> T requireItem(T item) {
        return Objects.requireNonNull(item, "a channel does not carry null items");
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object x) {
        return (T) x;
    }

    /** The longest wait a deadline can be computed for without overflow: about 73 years. */
    private static final long MAX_WAIT_NANOS = Long.MAX_VALUE >>> 2;

    /**
     * A time-out in nanoseconds: 0 for zero or negative (do not wait), at most {@link #MAX_WAIT_NANOS}.
     *
     * @throws NullPointerException naming the time-out if it is null
     */
    static long waitNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0L;
        }
        return timeout.compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) >= 0 ? MAX_WAIT_NANOS : timeout.toNanos();
    }

    private record Marker(String name) {
        @Override
        public String toString() {
            return name;
        }
    }
}
