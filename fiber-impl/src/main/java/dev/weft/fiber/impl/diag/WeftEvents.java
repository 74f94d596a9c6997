package dev.weft.fiber.impl.diag;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * Weft's JFR events, named and shaped after the JDK's virtual-thread events where one exists
 * ({@code jdk.VirtualThreadStart}, {@code jdk.VirtualThreadEnd}, {@code jdk.VirtualThreadPinned},
 * {@code jdk.VirtualThreadSubmitFailed}). They appear in any recording, for example one started
 * with {@code -XX:StartFlightRecording}; the defaults are in the annotations (start and end off,
 * park and pinned above 20 ms).
 */
final class WeftEvents {
    private WeftEvents() {
    }

    /** Fields every fiber event carries. */
    abstract static class FiberEvent extends Event {
        @Label("Fiber Id")
        long fiberId;
        @Label("Fiber Name")
        String fiberName;
        @Label("Scheduler")
        String scheduler;
    }

    @Name("dev.weft.FiberStart")
    @Label("Fiber Start")
    @Category({"Weft", "Fiber"})
    @Description("A fiber runs for the first time")
    @Enabled(false)
    @StackTrace(false)
    static final class FiberStart extends FiberEvent {
    }

    @Name("dev.weft.FiberEnd")
    @Label("Fiber End")
    @Category({"Weft", "Fiber"})
    @Description("A fiber has terminated")
    @Enabled(false)
    @StackTrace(false)
    static final class FiberEnd extends FiberEvent {
    }

    @Name("dev.weft.FiberRun")
    @Label("Fiber Run")
    @Category({"Weft", "Fiber"})
    @Description("One run of a fiber on a carrier, from mount to unmount (the event thread is the carrier)")
    @Enabled(false)
    @StackTrace(false)
    static final class FiberRun extends FiberEvent {
    }

    @Name("dev.weft.FiberPark")
    @Label("Fiber Park")
    @Category({"Weft", "Fiber"})
    @Description("A fiber parked (unmounted and waited) for longer than the threshold")
    @Threshold("20 ms")
    static final class FiberPark extends FiberEvent {
        @Label("Blocker")
        @Description("What the fiber waited on")
        String blocker;
        @Label("Timeout")
        @Description("The longest wait asked for; 0 for none")
        @Timespan(Timespan.NANOSECONDS)
        long timeout;
    }

    @Name("dev.weft.FiberPinned")
    @Label("Fiber Pinned")
    @Category({"Weft", "Fiber"})
    @Description("A fiber could not unmount to park and blocked its carrier thread instead")
    @Threshold("20 ms")
    static final class FiberPinned extends FiberEvent {
        @Label("Reason")
        String reason;
        @Label("Blocker")
        String blocker;
    }

    @Name("dev.weft.FiberSubmitFailed")
    @Label("Fiber Submit Failed")
    @Category({"Weft", "Scheduler"})
    @Description("A scheduler refused a task or a fiber's first run")
    static final class FiberSubmitFailed extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("Task")
        String task;
        @Label("Reason")
        String reason;
    }

    @Name("dev.weft.CompensatingCarrierAdded")
    @Label("Compensating Carrier Added")
    @Category({"Weft", "Scheduler"})
    @Description("A carrier was started because carriers were blocked outside Weft")
    @StackTrace(false)
    static final class CompensatingCarrierAdded extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("Carrier")
        String carrier;
        @Label("Blocked Carriers")
        int blockedCarriers;
    }

    @Name("dev.weft.CompensatingCarrierRetired")
    @Label("Compensating Carrier Retired")
    @Category({"Weft", "Scheduler"})
    @Description("A compensating carrier was idle and retired")
    @StackTrace(false)
    static final class CompensatingCarrierRetired extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("Carrier")
        String carrier;
    }

    @Name("dev.weft.CarrierBlocked")
    @Label("Carrier Blocked")
    @Category({"Weft", "Scheduler"})
    @Description("The watchdog found a carrier blocked outside Weft (a foreign blocking call, or computing long in one task)")
    @StackTrace(false)
    static final class CarrierBlocked extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("Carrier")
        String carrier;
        @Label("Top Frame")
        String topFrame;
    }
}
