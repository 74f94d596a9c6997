package dev.weft.fiber.impl.scope;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;

/** Opens {@link WeftFiberScope}s; the entry point for the provider. */
public final class Scopes {
    private Scopes() {
    }

    /**
     * A new scope owned by the calling fiber or thread; subtasks run on {@code defaultScheduler}
     * unless the configuration names a scheduler.
     */
    public static <T, R> FiberScope<T, R> open(FiberScope.Joiner<? super T, ? extends R> joiner,
                                               FiberScope.Configuration config, FiberScheduler defaultScheduler) {
        return new WeftFiberScope<>(joiner, config, defaultScheduler);
    }
}
