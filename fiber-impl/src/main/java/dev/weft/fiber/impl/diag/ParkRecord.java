package dev.weft.fiber.impl.diag;

/**
 * What a fiber records as its blocker for one park while diagnostics time parks (a stuck-fiber
 * detector or a JFR recording runs): the real blocker, when the park began, its deadline, and the
 * JFR events begun with it. Created by the parking fiber in {@link ParkObserver#parking}, read
 * racily by dumps (its final fields are safe to read from any thread; {@link #pinReason} is
 * volatile).
 */
final class ParkRecord {
    final Object blocker;
    /** {@link System#nanoTime()} when the park began. */
    final long since;
    /** The park's deadline in its scheduler's clock, or 0 for an untimed park. */
    final long deadline;
    /** The longest wait asked for, in nanoseconds; 0 for none. */
    final long timeout;
    final WeftEvents.FiberPark parkEvent;
    final WeftEvents.FiberPinned pinnedEvent;
    /** Set if the park turned out pinned, with why. */
    volatile String pinReason;

    ParkRecord(Object blocker, long since, long deadline, long timeout,
               WeftEvents.FiberPark parkEvent, WeftEvents.FiberPinned pinnedEvent) {
        this.blocker = blocker;
        this.since = since;
        this.deadline = deadline;
        this.timeout = timeout;
        this.parkEvent = parkEvent;
        this.pinnedEvent = pinnedEvent;
    }

    /** The blocker's own description, so that code reading a fiber's blocker sees the blocker. */
    @Override
    public String toString() {
        return String.valueOf(blocker);
    }
}
