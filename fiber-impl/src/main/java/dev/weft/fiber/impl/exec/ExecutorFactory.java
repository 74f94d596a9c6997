package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberScheduler;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The executors of this package, for the provider in {@code dev.weft.fiber.impl} (the
 * implementation's composition root), which keeps the executor classes themselves package-private.
 */
public final class ExecutorFactory {
    private ExecutorFactory() {
    }

    /** A fiber-per-task executor on {@code scheduler}: virtual threads, or raw fibers if {@code rawFibers}. */
    public static ExecutorService perTask(FiberScheduler scheduler, boolean rawFibers, int maxConcurrency) {
        return new FiberPerTaskExecutor(mode(scheduler, rawFibers), maxConcurrency);
    }

    /** As {@link #perTask}, with scheduling. */
    public static ScheduledExecutorService scheduled(FiberScheduler scheduler, boolean rawFibers) {
        return new ScheduledFiberPerTaskExecutor(mode(scheduler, rawFibers));
    }

    private static FiberPerTaskExecutor.Mode mode(FiberScheduler scheduler, boolean rawFibers) {
        return rawFibers ? FiberPerTaskExecutor.Mode.rawFibers(scheduler) : FiberPerTaskExecutor.Mode.virtualThreads(scheduler);
    }
}
