package dev.weft.fiber;

import dev.weft.fiber.spi.ExecutorProvider;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Drop-in {@link ExecutorService}s that run each task in its own strand on a Weft scheduler, in
 * one of two modes.
 *
 * <ul>
 *   <li><b>Virtual-thread mode</b> ({@code newFiberPerTaskExecutor}, {@code newScheduledFiberExecutor}):
 *       each task runs in a JDK virtual thread carried by the Weft scheduler (see
 *       {@link Schedulers#virtualThreadBuilder(FiberScheduler)}). Every JDK promise holds:
 *       {@code Thread.currentThread()}, {@code ThreadLocal}s, {@code java.util.concurrent} locks,
 *       {@code Thread.sleep}, blocking queues and socket I/O unmount the task instead of blocking
 *       the carrier. Pick it for code written for thread pools. Needs the JVM flag
 *       {@code --add-opens java.base/java.lang=ALL-UNNAMED}.</li>
 *   <li><b>Raw-fiber mode</b> ({@code newRawFiberPerTaskExecutor}, {@code newScheduledRawFiberExecutor}):
 *       each task runs in a Weft {@link Fiber}. Weft's own waits ({@link Fiber#sleep}, {@link Fiber#park},
 *       {@link Fiber#join}, {@link Fiber#await}, the futures of these executors) suspend the fiber; the
 *       JDK's blocking calls block the carrier, and the scheduler's watchdog adds a compensating
 *       carrier, so they are slow but do not deadlock. {@code Thread.currentThread()} is the carrier
 *       and may change at any suspension: use {@link FiberLocal}, not {@code ThreadLocal}. Pick it
 *       for code written against Weft's primitives.</li>
 * </ul>
 *
 * <p>Both modes keep the {@code ExecutorService} contract as the JDK's executors define it:
 * {@code execute}, {@code submit}, {@code invokeAll}, {@code invokeAny} (with and without time-outs);
 * {@code shutdown} lets accepted tasks finish, {@code shutdownNow} interrupts running tasks and
 * returns those not yet started (queued by a bounded executor; delayed, for a scheduled one);
 * {@code awaitTermination}, {@code close}; {@link java.util.concurrent.RejectedExecutionException}
 * after shutdown; {@code Future.cancel(true)} interrupts the task; {@code Future.state()},
 * {@code resultNow()} and {@code exceptionNow()}. The executor's life cycle is its own: closing it
 * waits for its tasks, never shuts the scheduler down (which may be the default one, shared).
 * A fiber waiting in {@code Future.get} of these executors suspends rather than blocks its carrier.
 *
 * <p><b>Why {@code Fiber} is not a {@code Future}.</b> {@link Fiber#state()} returns
 * {@link Fiber.State}, {@code Future.state()} returns {@code Future.State}: one interface cannot
 * have both, and changing {@code Fiber.state()} would break the API. The two also mean different
 * things by cancelling ({@link Fiber#cancel()} makes every later suspension point throw, while
 * {@code Future.cancel(true)} only interrupts). Code that takes futures gets them from these
 * executors' {@code submit}.
 *
 * <p>Every factory fails with {@link IllegalStateException} naming the missing piece when
 * {@code dev.weft:fiber-impl} is not on the class path or a needed JVM flag is missing; in the
 * virtual-thread mode the flag is checked when the executor is created.
 */
public final class FiberExecutors {
    private FiberExecutors() {
    }

    /**
     * An executor that runs each task in a new virtual thread carried by the
     * {@linkplain Schedulers#defaultScheduler() default scheduler}; Weft's counterpart of
     * {@link java.util.concurrent.Executors#newVirtualThreadPerTaskExecutor()}.
     *
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws IllegalStateException if the {@code --add-opens java.base/java.lang=ALL-UNNAMED} flag is missing
     */
    public static ExecutorService newFiberPerTaskExecutor() {
        return ExecutorProvider.get().newExecutor(null, false, Integer.MAX_VALUE);
    }

    /**
     * An executor that runs each task in a new virtual thread carried by {@code scheduler}.
     *
     * @param scheduler the scheduler whose carriers run the tasks
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalStateException if the {@code --add-opens java.base/java.lang=ALL-UNNAMED} flag is missing
     */
    public static ExecutorService newFiberPerTaskExecutor(FiberScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return ExecutorProvider.get().newExecutor(scheduler, false, Integer.MAX_VALUE);
    }

    /**
     * An executor that runs at most {@code maxConcurrency} tasks at a time, each in a new virtual
     * thread carried by {@code scheduler}; the tasks above the bound wait in a queue, in submission
     * order, and each start the moment a running one ends. Submitting never blocks. The
     * counterpart of {@code Executors.newFixedThreadPool(maxConcurrency)} where the bound
     * protects a resource (connections, memory) rather than the CPU.
     *
     * @param scheduler the scheduler whose carriers run the tasks
     * @param maxConcurrency the most tasks that run at a time
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     * @throws IllegalStateException if the {@code --add-opens java.base/java.lang=ALL-UNNAMED} flag is missing
     */
    public static ExecutorService newFiberPerTaskExecutor(FiberScheduler scheduler, int maxConcurrency) {
        Objects.requireNonNull(scheduler, "scheduler");
        checkConcurrency(maxConcurrency);
        return ExecutorProvider.get().newExecutor(scheduler, false, maxConcurrency);
    }

    /**
     * A scheduled executor whose tasks (delayed and periodic) each run in a virtual thread carried
     * by {@code scheduler}; it behaves as a {@link java.util.concurrent.ScheduledThreadPoolExecutor}
     * with its default policies: after {@code shutdown} delayed tasks still run and periodic ones
     * are cancelled, a periodic task that throws is not run again.
     *
     * @param scheduler the scheduler whose carriers run the tasks
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalStateException if the {@code --add-opens java.base/java.lang=ALL-UNNAMED} flag is missing
     */
    public static ScheduledExecutorService newScheduledFiberExecutor(FiberScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return ExecutorProvider.get().newScheduledExecutor(scheduler, false);
    }

    /**
     * An executor that runs each task in a new Weft fiber on the
     * {@linkplain Schedulers#defaultScheduler() default scheduler}.
     *
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     */
    public static ExecutorService newRawFiberPerTaskExecutor() {
        return ExecutorProvider.get().newExecutor(null, true, Integer.MAX_VALUE);
    }

    /**
     * An executor that runs each task in a new Weft fiber on {@code scheduler}.
     *
     * @param scheduler the scheduler that runs the fibers
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws NullPointerException if {@code scheduler} is null
     */
    public static ExecutorService newRawFiberPerTaskExecutor(FiberScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return ExecutorProvider.get().newExecutor(scheduler, true, Integer.MAX_VALUE);
    }

    /**
     * As {@link #newFiberPerTaskExecutor(FiberScheduler, int)}, each task in a Weft fiber.
     *
     * @param scheduler the scheduler that runs the fibers
     * @param maxConcurrency the most tasks that run at a time
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     */
    public static ExecutorService newRawFiberPerTaskExecutor(FiberScheduler scheduler, int maxConcurrency) {
        Objects.requireNonNull(scheduler, "scheduler");
        checkConcurrency(maxConcurrency);
        return ExecutorProvider.get().newExecutor(scheduler, true, maxConcurrency);
    }

    /**
     * As {@link #newScheduledFiberExecutor(FiberScheduler)}, each task in a Weft fiber, which
     * suspends (not blocks its carrier) while it waits for its time.
     *
     * @param scheduler the scheduler that runs the fibers
     * @return a new executor; {@linkplain ExecutorService#close() close} it when done
     * @throws NullPointerException if {@code scheduler} is null
     */
    public static ScheduledExecutorService newScheduledRawFiberExecutor(FiberScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return ExecutorProvider.get().newScheduledExecutor(scheduler, true);
    }

    private static void checkConcurrency(int maxConcurrency) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1: " + maxConcurrency);
        }
    }
}
