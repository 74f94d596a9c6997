package dev.weft.fiber.impl.core;

/**
 * The hook through which diagnostics ({@code dev.weft.fiber.impl.diag}) watch fibers without the
 * core knowing them: at most one observer is installed ({@link FiberImpl#observe}), and with none
 * installed every call site below costs one read of a static field and a branch.
 *
 * <p>The park methods are called on the fiber's own stack (mounted on its carrier), so an
 * observer that records a JFR event there gets the fiber's frames in the event's stack trace;
 * {@link #started} and {@link #ended} are called on the carrier's stack, around the fiber's run.
 * An observer must not throw, block, suspend or touch the fiber's state; it may allocate.
 */
public interface FiberObserver {

    /**
     * The fiber is about to park (or to block its carrier, if it turns out pinned).
     *
     * @param fiber   the parking fiber, the caller
     * @param blocker what it waits on (a channel, lock, latch, the fiber it joins,
     *                {@link FiberImpl#SLEEPING}), or null
     * @param nanos   the longest wait in the scheduler's clock, 0 for none
     * @return what the fiber records as its {@linkplain FiberImpl#blocker() blocker} for the
     *         length of the park: {@code blocker} itself, or an object of the observer's that
     *         wraps it; handed back to {@link #resumed}
     */
    Object parking(FiberImpl<?> fiber, Object blocker, long nanos);

    /**
     * The park that {@link #parking} announced could not unmount: the fiber blocks its carrier.
     *
     * @param record what {@link #parking} returned
     * @param reason why (a native frame, a critical section, a monitor held)
     */
    void pinned(Object record, String reason);

    /**
     * The park has ended (the fiber runs again, or its carrier woke).
     *
     * @param fiber  the fiber, the caller
     * @param record what {@link #parking} returned
     */
    void resumed(FiberImpl<?> fiber, Object record);

    /**
     * The fiber is about to be mounted (every run, not only the first); on its carrier.
     *
     * @param fiber the fiber
     * @return a token handed to {@link #unmounted}, or null for no call
     */
    Object mounting(FiberImpl<?> fiber);

    /**
     * The run that {@link #mounting} announced has ended (the fiber yielded, parked or ended);
     * on its carrier, before the fiber is resubmitted or terminated.
     *
     * @param fiber the fiber
     * @param token what {@link #mounting} returned
     */
    void unmounted(FiberImpl<?> fiber, Object token);

    /**
     * The fiber is about to run for the first time; on its carrier, not yet mounted.
     *
     * @param fiber the fiber, the caller
     */
    void started(FiberImpl<?> fiber);

    /**
     * The fiber has ended: its body returned or threw, on its carrier; or it was cancelled or
     * rejected before it ran, wherever that happened.
     *
     * @param fiber the fiber
     */
    void ended(FiberImpl<?> fiber);
}
