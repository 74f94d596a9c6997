package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.sched.CarrierPool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes {@link FiberDump}s: walks each live {@link CarrierPool}'s registry of live fibers and
 * describes each fiber on its own, while the pool keeps running.
 *
 * <p>A parked fiber's stack is read with {@link FiberImpl#parkedStackTrace()}, which holds the
 * fiber off its carrier for the length of the walk (a few microseconds) without stopping anyone:
 * an unpark meanwhile is honoured as the walk ends. A mounted fiber gets its carrier thread's
 * stack ({@code Thread.getStackTrace()}, a handshake with that one thread). A fiber that changes
 * state between the reads below is described with what was read; the dump is a sequence of
 * per-fiber snapshots, not one instant.
 */
final class FiberDumper {
    private FiberDumper() {
    }

    /** Dumps every live Weft pool. Any thread, not a carrier of the pools dumped (it would only be slower). */
    static FiberDump dumpAll() {
        Instant time = Instant.now();
        List<FiberDump.SchedulerSection> sections = new ArrayList<>();
        for (CarrierPool p : CarrierPool.livePools()) {
            sections.add(dump(p));
        }
        return new FiberDump(time, sections);
    }

    static FiberDump.SchedulerSection dump(CarrierPool pool) {
        List<FiberDump.FiberInfo> fibers = new ArrayList<>();
        long now = System.nanoTime();
        // One description per blocker per dump: a latch's toString may count its waiters (O(n)),
        // and a hundred thousand fibers may wait on it.
        Map<Object, String> descriptions = new IdentityHashMap<>();
        pool.forEachLiveFiber(t -> {
            if (t instanceof FiberImpl.Task task) {
                FiberDump.FiberInfo info = describe(task.fiber(), pool.name(), now, descriptions);
                if (info != null) {
                    fibers.add(info);
                }
            }
        });
        return new FiberDump.SchedulerSection(pool.name(), pool.stats(), fibers);
    }

    /**
     * One fiber, or null if it terminated as it was read. {@code now} is the dump's
     * {@link System#nanoTime()}, for times in state; {@code descriptions} caches blockers'
     * descriptions (by identity) for the length of one dump.
     */
    static FiberDump.FiberInfo describe(FiberImpl<?> f, String scheduler, long now, Map<Object, String> descriptions) {
        Fiber.State state = f.state();
        if (state == Fiber.State.TERMINATED) {
            return null;
        }
        StackTraceElement[] stack = null;
        String carrier = null;
        if (state == Fiber.State.PARKED) {
            try {
                stack = f.parkedStackTrace(); // null if it was unparked (or is being walked by another dump) meanwhile
            } catch (Throwable walkFailed) {
                stack = null;
            }
        }
        if (stack == null) {
            Thread c = f.carrierThread();
            if (c != null) {
                carrier = c.getName();
                try {
                    stack = c.getStackTrace();
                } catch (Throwable walkFailed) {
                    stack = null;
                }
                if (f.carrierThread() != c) {
                    stack = null; // it unmounted meanwhile: the frames may be the next task's
                }
            }
        }
        Object b = f.blocker();
        Duration inState = null;
        Duration deadline = null;
        if (b instanceof ParkRecord r) {
            inState = Duration.ofNanos(Math.max(0L, now - r.since));
            if (r.deadline != 0) {
                deadline = Duration.ofNanos(r.deadline - f.scheduler().nanoTime());
            }
        }
        // Re-read after the walk: the state may have moved on (it is then reported as now).
        Object key = b instanceof ParkRecord r ? r.blocker : b;
        String blocker = key == null ? null : descriptions.computeIfAbsent(key, Blockers::describe);
        return new FiberDump.FiberInfo(f.id(), f.name(), f.state(), f.stateDetail(), scheduler, inState,
                Blockers.withOperation(blocker, b, stack), deadline, carrier, stack == null ? List.of() : List.of(stack));
    }
}
