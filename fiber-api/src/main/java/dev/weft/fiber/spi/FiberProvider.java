package dev.weft.fiber.spi;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The bridge from {@code fiber-api} to an implementation, found through {@link ServiceLoader}.
 * Not for application code: {@code dev.weft:fiber-impl} provides the one implementation.
 */
public interface FiberProvider {

    <V> Fiber<V> newFiber(Callable<V> task, String name, FiberScheduler scheduler,
                          Fiber.UncaughtExceptionHandler handler, boolean carrierAffinity);

    /** As {@link #newFiber(Callable, String, FiberScheduler, Fiber.UncaughtExceptionHandler, boolean)}, for a task without a result. */
    Fiber<Void> newFiber(Runnable task, String name, FiberScheduler scheduler,
                         Fiber.UncaughtExceptionHandler handler, boolean carrierAffinity);

    Fiber<?> currentFiber();

    void yieldCurrent();

    void sleepCurrent(long nanos) throws InterruptedException;

    void parkCurrent(long nanos);

    boolean interruptedCurrent();

    FiberScheduler workStealing(int parallelism);

    FiberScheduler fifo(int parallelism);

    FiberScheduler defaultScheduler();

    /**
     * The implementation on the class path.
     *
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static FiberProvider get() {
        return ProviderLoader.FIBERS.provider();
    }
}
