package dev.weft.fiber.impl.exec;

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
        return new FiberPerTaskExecutor(mode(scheduler, rawFibers), maxConcurrency);
    }

    @Override
    public ScheduledExecutorService newScheduledExecutor(FiberScheduler scheduler, boolean rawFibers) {
        return new ScheduledFiberPerTaskExecutor(mode(scheduler, rawFibers));
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
        return dev.weft.fiber.impl.scope.Scopes.open(joiner, configuration, Schedulers.defaultScheduler());
    }

    private static FiberPerTaskExecutor.Mode mode(FiberScheduler scheduler, boolean rawFibers) {
        FiberScheduler s = scheduler != null ? scheduler : Schedulers.defaultScheduler();
        return rawFibers ? FiberPerTaskExecutor.Mode.rawFibers(s) : FiberPerTaskExecutor.Mode.virtualThreads(s);
    }
}
