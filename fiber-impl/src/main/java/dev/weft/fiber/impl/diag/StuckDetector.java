package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.StuckFiberDetector;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.sched.CarrierPool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * A running {@link StuckFiberDetector}: a daemon thread that looks at every live fiber of every
 * Weft pool each period and reports those parked past the threshold.
 *
 * <h2>How long has a fiber been parked?</h2>
 * While any detector runs, {@link ParkObserver} times every park: the fiber's blocker is a
 * {@link ParkRecord} with the park's start and deadline, so a look needs no history. A fiber
 * that parked before timing began has no record; the detector then remembers when it first saw
 * the fiber parked on that blocker (a weak map, so a forgotten fiber is not kept alive) and
 * counts from there: such a fiber is reported a threshold after the detector started, at the
 * earliest. A sleeping fiber without a record is never reported (its deadline is unknown).
 *
 * <p>In leak-tracking mode ({@code -Dweft.diag.trackLeaks=true}) a stuck fiber's description is
 * also kept in its {@link LeakRecord}, so that the report of its leak, should it become
 * unreachable, shows the stack it was parked with.
 *
 * <h2>Sleeping and timed waits</h2>
 * A park with a deadline is reported only once it is overdue by the threshold (then something is
 * wrong with its timer or its scheduler); one whose deadline is ahead is waiting as asked.
 *
 * <p>Only {@link #scan()} and the detector's thread touch {@link #firstSeen}; {@code scan} is
 * synchronized.
 */
final class StuckDetector implements StuckFiberDetector {
    private final Duration threshold;
    private final long thresholdNanos;
    private final long periodNanos;
    private final Consumer<Report> listener;
    private final Thread thread;
    private volatile boolean closed;
    /** Untimed fibers: the blocker seen and when it was first seen, per fiber. */
    private final Map<FiberImpl<?>, Sighting> firstSeen = new WeakHashMap<>();

    /**
     * The blocker is held weakly: a map's values are strong, and a blocker (a channel, a latch)
     * holds its waiting fiber, the key, which would then never be collected, nor reported as a
     * leak in leak-tracking mode.
     */
    private record Sighting(java.lang.ref.WeakReference<Object> blocker, long at) {
    }

    StuckDetector(Duration threshold, Duration period, Consumer<Report> listener) {
        this.threshold = threshold;
        this.thresholdNanos = saturatedNanos(threshold);
        this.periodNanos = saturatedNanos(period);
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon(true).name("weft-stuck-fiber-detector").unstarted(this::run);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    void start() {
        thread.start();
    }

    private void run() {
        System.Logger log = System.getLogger("dev.weft.fiber.stuck");
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, periodNanos);
            if (closed) {
                break;
            }
            try {
                Report r = scan();
                if (!r.stuck().isEmpty()) {
                    listener.accept(r);
                }
            } catch (Throwable e) {
                try {
                    log.log(System.Logger.Level.WARNING, "the stuck-fiber detector's listener threw", e);
                } catch (Throwable ignored) {
                    // a failing log handler must not stop the detector
                }
            }
        }
    }

    @Override
    public synchronized Report scan() {
        if (closed) {
            throw new IllegalStateException("this stuck-fiber detector is closed");
        }
        Instant time = Instant.now();
        long now = System.nanoTime();
        List<FiberDump.FiberInfo> stuck = new ArrayList<>();
        Map<FiberImpl<?>, Sighting> seenNow = new WeakHashMap<>();
        Map<Object, String> descriptions = new java.util.IdentityHashMap<>();
        for (CarrierPool pool : CarrierPool.livePools()) {
            pool.forEachLiveFiber(t -> {
                if (t instanceof FiberImpl.Task task) {
                    FiberImpl<?> f = task.fiber();
                    if (f.state() == Fiber.State.PARKED || f.state() == Fiber.State.PINNED) {
                        long since = parkedSince(f, now, seenNow);
                        if (since != Long.MAX_VALUE && now - since >= thresholdNanos) {
                            FiberDump.FiberInfo info = FiberDumper.describe(f, pool.name(), now, descriptions);
                            if (info != null && info.state() != Fiber.State.RUNNABLE && info.state() != Fiber.State.RUNNING) {
                                if (info.timeInState() == null) {
                                    info = withTime(info, Duration.ofNanos(now - since));
                                }
                                stuck.add(info);
                                if (pool.tracksLeaks() && pool.leakLabel(t) instanceof LeakRecord leak) {
                                    leak.lastSeen = info; // a leak report of this fiber then shows its stack
                                }
                            }
                        }
                    }
                }
            });
        }
        firstSeen.clear();
        firstSeen.putAll(seenNow);
        return new Report(time, threshold, stuck);
    }

    /**
     * When {@code f}'s current wait counts from for the threshold, or {@link Long#MAX_VALUE} if it
     * must not be reported (a deadline still ahead, or a sleep of unknown deadline).
     */
    private long parkedSince(FiberImpl<?> f, long now, Map<FiberImpl<?>, Sighting> seenNow) {
        Object b = f.blocker();
        if (b instanceof ParkRecord r) {
            if (r.deadline != 0) {
                long overdue = f.scheduler().nanoTime() - r.deadline;
                return overdue <= 0 ? Long.MAX_VALUE : now - overdue; // counts from the deadline
            }
            return r.since;
        }
        if (b == FiberImpl.SLEEPING) {
            return Long.MAX_VALUE;
        }
        Sighting s = firstSeen.get(f);
        if (s == null || s.blocker().get() != b) {
            s = new Sighting(new java.lang.ref.WeakReference<>(b), now);
        }
        seenNow.put(f, s);
        return s.at();
    }

    private static FiberDump.FiberInfo withTime(FiberDump.FiberInfo i, Duration inState) {
        return new FiberDump.FiberInfo(i.id(), i.name(), i.state(), i.detail(), i.scheduler(), inState,
                i.blocker(), i.deadline(), i.carrier(), i.stack());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        java.util.concurrent.locks.LockSupport.unpark(thread);
        Diagnostics.detectorClosed();
    }

    /** For example {@code StuckFiberDetector[threshold=PT30S, running]}. */
    @Override
    public String toString() {
        return "StuckFiberDetector[threshold=" + threshold + ", " + (closed ? "closed" : "running") + "]";
    }
}
