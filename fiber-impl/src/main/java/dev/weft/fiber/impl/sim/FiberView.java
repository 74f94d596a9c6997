package dev.weft.fiber.impl.sim;

import dev.weft.fiber.Fiber;

/**
 * What the deterministic scheduler may learn of the fibers it runs, beyond the
 * {@code FiberScheduler.FiberTask} SPI: given by the composition root ({@code WeftFiberProvider}),
 * which knows the fiber core, so that this package never names it (the package rule of
 * {@code arch/ImplPackagesHaveNoCycleTest}).
 */
public interface FiberView {

    /**
     * The fiber that {@code task} mounts.
     *
     * @param task a task given to the scheduler
     * @return its fiber, or null for a plain task
     */
    Fiber<?> fiberOf(Runnable task);

    /**
     * The frames of the suspended fiber of {@code task}. Called only on the carrier, between two
     * tasks, when no fiber of the scheduler is mounted and none can be (the carrier is the only
     * thread that mounts them), so the continuation's frames hold still while they are read.
     *
     * @param task a task given to the scheduler
     * @return the frames, innermost first; empty for a plain task or a fiber not started yet
     */
    StackTraceElement[] stackOf(Runnable task);
}
