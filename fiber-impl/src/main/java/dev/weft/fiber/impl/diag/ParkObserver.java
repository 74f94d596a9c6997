package dev.weft.fiber.impl.diag;

import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.core.FiberObserver;
import dev.weft.fiber.impl.sched.CarrierPool;
import jdk.jfr.EventType;

/**
 * The {@link FiberObserver} of diagnostics: times parks (wrapping the blocker in a
 * {@link ParkRecord}) and emits the fiber JFR events. Installed in the core only while something
 * needs it: a {@link StuckDetector} runs, or a JFR recording is running
 * ({@link Diagnostics#refreshObserver()}); otherwise the core calls nothing and the hot paths pay
 * one read of a static field.
 *
 * <p>Called on the fiber's own stack (see {@link FiberObserver}); every method catches what it
 * could throw, since an exception here would break the fiber's park.
 */
final class ParkObserver implements FiberObserver {
    static final ParkObserver INSTANCE = new ParkObserver();

    private static final EventType PARK = EventType.getEventType(WeftEvents.FiberPark.class);
    private static final EventType PINNED = EventType.getEventType(WeftEvents.FiberPinned.class);
    private static final EventType START = EventType.getEventType(WeftEvents.FiberStart.class);
    private static final EventType END = EventType.getEventType(WeftEvents.FiberEnd.class);
    private static final EventType RUN = EventType.getEventType(WeftEvents.FiberRun.class);

    /** Whether parks are timed for detectors; written by {@link Diagnostics} (volatile: read by every parking fiber). */
    volatile boolean timing;
    /**
     * Whether some pool tracks leaks: then a park of one of its fibers notes its blocker's class in
     * the fiber's {@link LeakRecord} (a map lookup and a reference store). Written by {@link Diagnostics}.
     */
    volatile boolean leaks;

    private ParkObserver() {
    }

    @Override
    public Object parking(FiberImpl<?> fiber, Object blocker, long nanos) {
        try {
            if (leaks && blocker != null && fiber.scheduler() instanceof CarrierPool p && p.tracksLeaks()
                    && p.leakLabel(fiber.task()) instanceof LeakRecord r) {
                r.parking(blocker);
            }
            WeftEvents.FiberPark park = null;
            WeftEvents.FiberPinned pinned = null;
            if (PARK.isEnabled()) {
                park = new WeftEvents.FiberPark();
                park.begin();
            }
            if (PINNED.isEnabled()) {
                pinned = new WeftEvents.FiberPinned();
                pinned.begin();
            }
            if (park == null && pinned == null && !timing) {
                return blocker;
            }
            long deadline = nanos > 0 ? fiber.scheduler().nanoTime() + nanos : 0L;
            return new ParkRecord(blocker, System.nanoTime(), deadline, nanos, park, pinned);
        } catch (Throwable e) {
            return blocker; // no memory for the record: the park goes on untimed
        }
    }

    @Override
    public void pinned(Object record, String reason) {
        if (record instanceof ParkRecord r) {
            r.pinReason = reason;
        }
    }

    @Override
    public void resumed(FiberImpl<?> fiber, Object record) {
        if (!(record instanceof ParkRecord r)) {
            return;
        }
        try {
            if (r.pinReason != null) {
                WeftEvents.FiberPinned e = r.pinnedEvent;
                if (e != null) {
                    e.end();
                    if (e.shouldCommit()) {
                        fill(e, fiber);
                        e.reason = r.pinReason;
                        e.blocker = Blockers.describe(r.blocker);
                        e.commit();
                    }
                }
            } else if (r.parkEvent != null) {
                WeftEvents.FiberPark e = r.parkEvent;
                e.end();
                if (e.shouldCommit()) {
                    fill(e, fiber);
                    e.blocker = Blockers.describe(r.blocker);
                    e.timeout = r.timeout;
                    e.commit();
                }
            }
        } catch (Throwable e) {
            // an event lost: never the fiber's park
        }
    }

    @Override
    public Object mounting(FiberImpl<?> fiber) {
        if (!RUN.isEnabled()) {
            return null;
        }
        try {
            WeftEvents.FiberRun e = new WeftEvents.FiberRun();
            e.begin();
            return e;
        } catch (Throwable ignored) {
            return null; // an event lost
        }
    }

    @Override
    public void unmounted(FiberImpl<?> fiber, Object token) {
        if (token instanceof WeftEvents.FiberRun e) {
            try {
                e.end();
                if (e.shouldCommit()) {
                    fill(e, fiber);
                    e.commit();
                }
            } catch (Throwable ignored) {
                // an event lost
            }
        }
    }

    @Override
    public void started(FiberImpl<?> fiber) {
        if (START.isEnabled()) {
            try {
                WeftEvents.FiberStart e = new WeftEvents.FiberStart();
                fill(e, fiber);
                e.commit();
            } catch (Throwable ignored) {
                // an event lost
            }
        }
    }

    @Override
    public void ended(FiberImpl<?> fiber) {
        if (END.isEnabled()) {
            try {
                WeftEvents.FiberEnd e = new WeftEvents.FiberEnd();
                fill(e, fiber);
                e.commit();
            } catch (Throwable ignored) {
                // an event lost
            }
        }
    }

    private static void fill(WeftEvents.FiberEvent e, FiberImpl<?> fiber) {
        e.fiberId = fiber.id();
        e.fiberName = fiber.name();
        e.scheduler = Blockers.schedulerName(fiber.scheduler());
    }
}
