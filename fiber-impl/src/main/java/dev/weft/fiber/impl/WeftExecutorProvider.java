package dev.weft.fiber.impl;

import dev.weft.fiber.impl.exec.ExecutorFactory;
import dev.weft.fiber.impl.exec.FiberLocals;
import dev.weft.fiber.impl.exec.VirtualThreadBuilders;
import dev.weft.fiber.impl.scope.Scopes;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.spi.ExecutorProvider;
import dev.weft.fiber.spi.FiberProvider;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

/**
 * The implementation of {@code FiberExecutors}, {@code Schedulers.virtualThreadBuilder},
 * {@code FiberLocal} and {@code FiberScope}, found by {@link java.util.ServiceLoader}. Loading the fiber provider first
 * gives the missing {@code --add-exports} flag its own message before anything here needs it.
 */
public final class WeftExecutorProvider implements ExecutorProvider {

    public WeftExecutorProvider() {
        FiberProvider.get();
    }

    @Override
    public Thread.Builder.OfVirtual virtualThreadBuilder(FiberScheduler scheduler) {
        return VirtualThreadBuilders.builderOn(scheduler);
    }

    @Override
    public ExecutorService newExecutor(FiberScheduler scheduler, boolean rawFibers, int maxConcurrency) {
        return ExecutorFactory.perTask(orDefault(scheduler), rawFibers, maxConcurrency);
    }

    @Override
    public ScheduledExecutorService newScheduledExecutor(FiberScheduler scheduler, boolean rawFibers) {
        return ExecutorFactory.scheduled(orDefault(scheduler), rawFibers);
    }

    @Override
    public Map<Object, Object> currentLocals(boolean inheritable) {
        return FiberLocals.current(inheritable);
    }

    @Override
    public void enableInheritance(Class<?> keyType, BiFunction<Object, Object, Object> childValue) {
        FiberLocals.enableInheritance(keyType, childValue);
    }

    @Override
    public <T, R> FiberScope<T, R> openScope(FiberScope.Joiner<? super T, ? extends R> joiner,
                                             FiberScope.Configuration configuration) {
        return Scopes.open(joiner, configuration, Schedulers.defaultScheduler());
    }

    private static FiberScheduler orDefault(FiberScheduler scheduler) {
        return scheduler != null ? scheduler : Schedulers.defaultScheduler();
    }
}
