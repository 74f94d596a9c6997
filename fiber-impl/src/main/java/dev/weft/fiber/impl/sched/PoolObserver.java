package dev.weft.fiber.impl.sched;

/**
 * The hook through which diagnostics ({@code dev.weft.fiber.impl.diag}: the scheduler MXBeans and
 * JFR events) learn of a {@link CarrierPool}'s life without the schedulers knowing them. At most
 * one is installed ({@link CarrierPool#observe}); with none, each hook site costs a read of a
 * static field. Nothing here is on a fiber's hot path: these are rare events of a pool, except
 * {@link #fiberTracked}, called at every spawn of a pool in leak-tracking mode (opt-in).
 *
 * <p>An observer must not throw or block for long; what it throws is dropped (a pool's threads
 * never die of it).
 */
public interface PoolObserver {

    /**
     * The pool's carriers have just started. On the thread that created the pool.
     *
     * @param pool the new pool
     */
    void created(CarrierPool pool);

    /**
     * The pool has terminated (its carriers have ended). On its watchdog thread, its last action.
     *
     * @param pool the pool
     */
    void terminated(CarrierPool pool);

    /**
     * A compensating carrier was started, because carriers were blocked outside Weft. On the
     * watchdog.
     *
     * @param pool    the pool
     * @param carrier the new carrier thread
     * @param blocked carriers counted as blocked at the time
     */
    void compensatingCarrierAdded(CarrierPool pool, Thread carrier, int blocked);

    /**
     * A compensating carrier retired (idle again). On that carrier, as it exits.
     *
     * @param pool    the pool
     * @param carrier the retiring carrier thread
     */
    void compensatingCarrierRetired(CarrierPool pool, Thread carrier);

    /**
     * The pool refused a task or a fiber's first run: it is shut down. On the submitting thread,
     * before the exception is thrown.
     *
     * @param pool  the pool
     * @param task  the refused task
     */
    void submitFailed(CarrierPool pool, Runnable task);

    /**
     * The watchdog has found a carrier blocked (outside Weft, or computing long in one task)
     * and counts it for compensation. On the watchdog.
     *
     * @param pool    the pool
     * @param carrier the blocked carrier thread
     */
    void carrierBlocked(CarrierPool pool, Thread carrier);

    /**
     * Leak-tracking mode only ({@link CarrierPool#tracksLeaks()}): a fiber is being registered,
     * weakly. Returns what the pool keeps for the report should the fiber become unreachable:
     * it must not reference the fiber (or the fiber would stay reachable). On the thread that
     * starts the fiber, once per fiber: unlike the other methods, called at every spawn in that
     * mode. The default keeps nothing.
     *
     * @param pool  the pool
     * @param fiber the fiber's task
     * @return what to keep, or null
     */
    default Object fiberTracked(CarrierPool pool, dev.weft.fiber.FiberScheduler.FiberTask fiber) {
        return null;
    }

    /**
     * Leak-tracking mode only: a fiber of {@code pool} was found unreachable by the garbage
     * collector before it terminated, so it was parked with nothing left to wake it. Called once
     * per such fiber, on the {@code weft-unreachable-fibers} thread. The default does nothing.
     *
     * @param pool  the pool
     * @param label what {@link #fiberTracked} returned for the fiber
     */
    default void fiberUnreachable(CarrierPool pool, Object label) {
    }
}
