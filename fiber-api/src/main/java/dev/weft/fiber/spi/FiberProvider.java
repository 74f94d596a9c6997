package dev.weft.fiber.spi;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The bridge from {@code fiber-api} to an implementation, found through {@link ServiceLoader}.
 * Not for application code: {@code dev.weft:fiber-impl} provides the one implementation.
 */
public interface FiberProvider {

    /**
     * Creates an unstarted fiber; backs {@link Fiber.Builder#unstarted(Callable)}.
     *
     * @param <V> the type of the task's result
     * @param task the code the fiber will run, not null
     * @param name the fiber's name, or null for a generated one
     * @param scheduler the scheduler, or null for the default one
     * @param handler the uncaught-exception handler, or null for none
     * @param carrierAffinity whether the fiber stays on its first carrier
     * @return the fiber, in state {@link Fiber.State#NEW}
     */
    <V> Fiber<V> newFiber(Callable<V> task, String name, FiberScheduler scheduler,
                          Fiber.UncaughtExceptionHandler handler, boolean carrierAffinity);

    /**
     * As {@link #newFiber(Callable, String, FiberScheduler, Fiber.UncaughtExceptionHandler, boolean)}, for a task without a result.
     *
     * @param task the code the fiber will run, not null
     * @param name the fiber's name, or null for a generated one
     * @param scheduler the scheduler, or null for the default one
     * @param handler the uncaught-exception handler, or null for none
     * @param carrierAffinity whether the fiber stays on its first carrier
     * @return the fiber, in state {@link Fiber.State#NEW}
     */
    Fiber<Void> newFiber(Runnable task, String name, FiberScheduler scheduler,
                         Fiber.UncaughtExceptionHandler handler, boolean carrierAffinity);

    /**
     * Backs {@link Fiber#current()}.
     *
     * @return the fiber running the caller, or null
     */
    Fiber<?> currentFiber();

    /** Backs {@link Fiber#yield()}, with the same contract. */
    void yieldCurrent();

    /**
     * Backs {@link Fiber#sleep(java.time.Duration)}, with the same contract.
     *
     * @param nanos how long to sleep, at least 0
     * @throws InterruptedException if the caller is interrupted while sleeping
     */
    void sleepCurrent(long nanos) throws InterruptedException;

    /**
     * Backs {@link Fiber#park()} and {@link Fiber#parkNanos(long)}, with the same contract.
     *
     * @param nanos the longest time to wait; 0 for no limit
     */
    void parkCurrent(long nanos);

    /**
     * Backs {@link Fiber#interrupted()}.
     *
     * @return whether the caller's interrupt status was set (it is now cleared)
     */
    boolean interruptedCurrent();

    /**
     * Backs {@link dev.weft.fiber.Schedulers#workStealing(int)}.
     *
     * @param parallelism the number of carriers, at least 1
     * @return a new scheduler
     */
    FiberScheduler workStealing(int parallelism);

    /**
     * Backs {@link dev.weft.fiber.Schedulers#fifo(int)}.
     *
     * @param parallelism the number of carriers, at least 1
     * @return a new scheduler
     */
    FiberScheduler fifo(int parallelism);

    /**
     * Backs {@link dev.weft.fiber.Schedulers#deterministic(long, DeterministicScheduler.Strategy)}
     * and {@link dev.weft.fiber.Schedulers#replay(DeterministicScheduler.Trace)}. The default
     * throws {@link UnsupportedOperationException}, for an implementation without one.
     *
     * @param seed the seed of the choices
     * @param strategy the strategy, not null
     * @param replay the trace to follow, or null to choose with the seed
     * @return a new scheduler
     */
    default DeterministicScheduler deterministic(long seed, DeterministicScheduler.Strategy strategy,
                                                 DeterministicScheduler.Trace replay) {
        throw new UnsupportedOperationException(getClass().getName() + " has no deterministic scheduler");
    }

    /**
     * Backs {@link dev.weft.fiber.Schedulers#defaultScheduler()}.
     *
     * @return the JVM-wide default scheduler
     */
    FiberScheduler defaultScheduler();

    /**
     * The implementation on the class path.
     *
     * @return the provider, loaded once
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static FiberProvider get() {
        return ProviderLoader.FIBERS.provider();
    }
}
