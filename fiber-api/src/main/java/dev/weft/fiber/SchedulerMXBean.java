package dev.weft.fiber;

/**
 * The management interface of one Weft scheduler, registered with the platform MBean server as
 * {@code dev.weft:type=Scheduler,name=<scheduler name>} (for example
 * {@code name=work-stealing-1}; quoted only if the name has a character that needs it) while the scheduler runs (from its
 * creation until it has terminated), in the spirit of the JDK's
 * {@code jdk.management.VirtualThreadSchedulerMXBean}. Each attribute is read on its own, without
 * stopping the scheduler. Obtain a proxy with
 * {@link javax.management.JMX#newMXBeanProxy(javax.management.MBeanServerConnection, javax.management.ObjectName, Class)}.
 */
public interface SchedulerMXBean {

    /**
     * The scheduler's name.
     *
     * @return as in {@link SchedulerStats#name()}
     */
    String getName();

    /**
     * The carriers it was created with.
     *
     * @return {@link SchedulerStats#parallelism()}
     */
    int getParallelism();

    /**
     * Carrier threads alive now, compensating ones included.
     *
     * @return {@link SchedulerStats#carriers()}
     */
    int getCarriers();

    /**
     * Carriers parked idle now.
     *
     * @return the count
     */
    int getIdleCarriers();

    /**
     * Carriers counted as blocked outside Weft now (the compensation watchdog's count).
     *
     * @return the count
     */
    int getBlockedCarriers();

    /**
     * The share of carriers not idle now, between 0 and 1.
     *
     * @return {@code (carriers - idle) / carriers}, 0 with no carrier
     */
    double getCarrierUtilization();

    /**
     * Compensating carriers alive now.
     *
     * @return {@link SchedulerStats#compensating()}
     */
    int getCompensatingCarriers();

    /**
     * Compensating carriers started since creation.
     *
     * @return {@link SchedulerStats#compensationsTotal()}
     */
    long getCompensationsTotal();

    /**
     * Fibers whose first run this scheduler accepted, since creation.
     *
     * @return the count
     */
    long getFibersSpawned();

    /**
     * Fibers accepted that have terminated, since creation.
     *
     * @return spawned minus live
     */
    long getFibersCompleted();

    /**
     * Fibers accepted and not yet terminated: running, queued or parked.
     *
     * @return the count
     */
    long getFibersLive();

    /**
     * Tasks waiting in its queues now, an estimate.
     *
     * @return {@link SchedulerStats#queued()}
     */
    long getQueuedTasks();

    /**
     * Tasks (fiber runs and plain tasks) run since creation.
     *
     * @return {@link SchedulerStats#tasksRun()}
     */
    long getTasksRun();

    /**
     * Tasks taken from another carrier's queue since creation.
     *
     * @return {@link SchedulerStats#steals()}
     */
    long getSteals();

    /**
     * Parks (and yields) that could not unmount their fiber, since creation.
     *
     * @return {@link SchedulerStats#pinnedParks()}
     */
    long getPinnedParks();

    /**
     * Whether it has been shut down.
     *
     * @return {@link FiberScheduler#isShutdown()}
     */
    boolean isShutdown();
}
