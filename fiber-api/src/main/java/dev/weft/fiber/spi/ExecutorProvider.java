package dev.weft.fiber.spi;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

/**
 * The implementation of {@link dev.weft.fiber.FiberExecutors}, of
 * {@link dev.weft.fiber.Schedulers#virtualThreadBuilder(FiberScheduler)} and of
 * {@link dev.weft.fiber.FiberLocal}, found through {@link java.util.ServiceLoader}. The public
 * classes check their arguments and delegate here. Not for application code.
 */
public interface ExecutorProvider {

    /**
     * Backs {@link dev.weft.fiber.Schedulers#virtualThreadBuilder(FiberScheduler)}.
     *
     * @param scheduler the scheduler whose carriers run the virtual threads, not null
     * @return a new builder of virtual threads on {@code scheduler}
     * @throws IllegalStateException if the JVM does not let Weft reach the JDK's constructor
     *         (the message names the flag), or the JDK has no such constructor
     */
    Thread.Builder.OfVirtual virtualThreadBuilder(FiberScheduler scheduler);

    /**
     * Backs the {@link dev.weft.fiber.FiberExecutors} factories of plain executors.
     *
     * @param scheduler the scheduler, or null for the default one
     * @param rawFibers whether each task runs in a Weft fiber (else in a virtual thread on the scheduler)
     * @param maxConcurrency the most tasks that run at a time, at least 1;
     *        {@link Integer#MAX_VALUE}: no bound
     * @return a new executor
     */
    ExecutorService newExecutor(FiberScheduler scheduler, boolean rawFibers, int maxConcurrency);

    /**
     * Backs the {@link dev.weft.fiber.FiberExecutors} factories of scheduled executors.
     *
     * @param scheduler the scheduler, or null for the default one
     * @param rawFibers whether each task runs in a Weft fiber (else in a virtual thread on the scheduler)
     * @return a new scheduled executor
     */
    ScheduledExecutorService newScheduledExecutor(FiberScheduler scheduler, boolean rawFibers);

    /**
     * Backs {@link dev.weft.fiber.FiberLocal}: the values of the calling strand, keyed by
     * {@code FiberLocal}. In a Weft fiber, that fiber's map (one for both kinds); outside, the
     * calling thread's map of the kind asked for. Used only by the calling strand.
     *
     * @param inheritable whether the caller is an {@link dev.weft.fiber.InheritableFiberLocal}
     *        (outside fibers, its values are in the map child threads copy)
     * @return the map, created on first use
     */
    Map<Object, Object> currentLocals(boolean inheritable);

    /**
     * Backs {@link dev.weft.fiber.InheritableFiberLocal}: from now on, each new fiber (and thread)
     * gets a copy of its creator's values whose keys are of {@code keyType}, each through
     * {@code childValue}. Idempotent; called by every such variable's constructor.
     *
     * @param keyType the class of inheritable keys
     * @param childValue the child's value from (key, parent's value)
     */
    void enableInheritance(Class<?> keyType, BiFunction<Object, Object, Object> childValue);

    /**
     * Backs {@link FiberScope#open(FiberScope.Joiner, java.util.function.Function)}: a new scope
     * owned by the calling fiber or thread.
     *
     * @param <T> the result type of the subtasks
     * @param <R> the result type of {@code join}
     * @param joiner the joiner, not null
     * @param configuration the configuration, not null
     * @return the open scope
     */
    <T, R> FiberScope<T, R> openScope(FiberScope.Joiner<? super T, ? extends R> joiner,
                                      FiberScope.Configuration configuration);

    /**
     * The implementation on the class path.
     *
     * @return the provider, loaded once
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static ExecutorProvider get() {
        return ProviderLoader.EXECUTORS.provider();
    }
}
