package dev.weft.fiber.impl.timer;

import dev.weft.fiber.impl.core.FiberImpl;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes fibers whose timed park has run out: one daemon thread, {@code weft-timer}, driving an
 * Agrona {@link DeadlineTimerWheel}.
 *
 * <h2>Implementation overview</h2>
 * The wheel is single-threaded, so only the timer thread touches it. Any thread schedules a
 * wake-up by putting a {@link Request} on an MPSC queue (JCTools, the atomic flavour, which prints
 * no JDK warning). The timer thread drains the queue into the wheel, expires due timers by calling
 * {@link FiberImpl#parkTimedOut(int)}, then parks until the end of the current tick, or forever
 * when no timer is pending. A million sleeping fibers therefore cost a million wheel entries and
 * requests (memory), one thread, and one wake-up per tick while any timer is pending (about a
 * thousand a second), never a thread or a poll per fiber.
 *
 * <p><b>Waking the timer thread.</b> Before parking it publishes {@code wakeAt} and
 * {@code sleeping} (volatile), then re-checks the queue; a producer offers (a volatile write
 * inside the queue) and then reads them, unparking the timer thread only when the new deadline is earlier. Volatile
 * accesses are sequentially consistent, so either the timer sees the request or the producer
 * sees the {@code wakeAt} that needs a wake-up. Most requests (deadlines beyond the next tick)
 * therefore cost one queue offer and no unpark.
 *
 * <p><b>Not cancelled.</b> A fiber woken early leaves its timer in the wheel; when it expires,
 * {@code parkTimedOut} sees that the park's sequence number has moved on and does nothing (a
 * rare race leaves a spurious permit, which park's contract allows). The wheel thus holds a
 * reference to the fiber until the original deadline.
 *
 * <p>Resolution: ticks of 2^20 ns (about 1.05 ms); a fiber wakes at most about one tick late.
 */
public final class DeadlineTimer {
    private static final System.Logger LOG = System.getLogger("dev.weft.fiber.timer");
    private static final long TICK_NANOS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    /** A wake-up to schedule. */
    private record Request(long deadline, FiberImpl<?> fiber, int seq) {
    }

    private static final class Holder {
        static final DeadlineTimer SHARED = new DeadlineTimer("weft-timer");
    }

    private final MpscUnboundedAtomicArrayQueue<Request> requests = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final Thread thread;
    /** While {@link #sleeping}: the time the timer thread will wake by itself; meaningless if {@link #sleepingForever}. */
    private volatile long wakeAt;
    private volatile boolean sleepingForever;
    private volatile boolean sleeping;

    // Owned by the timer thread.
    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<Request> pending = new Long2ObjectHashMap<>();

    private DeadlineTimer(String threadName) {
        wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), TICK_NANOS, TICKS_PER_WHEEL);
        thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** The JVM-wide timer, started on first use. */
    public static DeadlineTimer shared() {
        return Holder.SHARED;
    }

    /** Calls {@code fiber.parkTimedOut(seq)} at or soon after {@code deadline} ({@link System#nanoTime()} scale). Any thread. */
    public void schedule(long deadline, FiberImpl<?> fiber, int seq) {
        requests.offer(new Request(deadline, fiber, seq));
        if (sleeping && (sleepingForever || deadline - wakeAt < 0)) {
            LockSupport.unpark(thread);
        }
    }

    /** Timers scheduled and not yet expired, an estimate (for tests and diagnostics). */
    public int pendingEstimate() {
        return requests.size() + pending.size();
    }

    private void loop() {
        DeadlineTimerWheel.TimerHandler expire = (unit, now, timerId) -> {
            Request r = pending.remove(timerId);
            if (r != null) {
                try {
                    r.fiber.parkTimedOut(r.seq);
                } catch (Throwable e) {
                    // One scheduler refusing to resume its fiber must not stop every other
                    // fiber's timers: report it and go on.
                    LOG.log(System.Logger.Level.ERROR, "waking " + r.fiber + " after its timed park failed", e);
                }
            }
            return true;
        };
        while (true) {
            drainRequests();
            long now = System.nanoTime();
            while (wheel.timerCount() > 0 && now - wheel.currentTickTime() >= 0) {
                wheel.poll(now, expire, Integer.MAX_VALUE);
            }
            wheel.poll(now, expire, Integer.MAX_VALUE);
            boolean forever = wheel.timerCount() == 0;
            long until = wheel.currentTickTime();
            wakeAt = until;
            sleepingForever = forever;
            sleeping = true;
            if (requests.isEmpty()) {
                if (forever) {
                    LockSupport.park(this);
                } else {
                    long left = until - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(this, left);
                    }
                }
            }
            sleeping = false;
        }
    }

    private void drainRequests() {
        Request r;
        while ((r = requests.poll()) != null) {
            if (wheel.timerCount() == 0) {
                wheel.resetStartTime(System.nanoTime()); // skip the ticks that passed while idle
            }
            long id = wheel.scheduleTimer(r.deadline);
            pending.put(id, r);
        }
    }
}
