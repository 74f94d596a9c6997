package dev.weft.fiber.spi;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the {@link FiberProvider} on first use. A failed lookup is not cached, so every call
 * made without an implementation gets the same clear message rather than a
 * {@code NoClassDefFoundError} from a failed class initializer.
 */
final class ProviderLoader {
    private static volatile FiberProvider provider;

    private ProviderLoader() {
    }

    static FiberProvider provider() {
        FiberProvider p = provider;
        return p != null ? p : load();
    }

    private static synchronized FiberProvider load() {
        if (provider != null) {
            return provider;
        }
        try {
            Iterator<FiberProvider> it = ServiceLoader.load(FiberProvider.class, FiberProvider.class.getClassLoader()).iterator();
            if (it.hasNext()) {
                provider = it.next();
                return provider;
            }
        } catch (ServiceConfigurationError e) {
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Weft: the fiber implementation failed to load: " + reason.getMessage(), e);
        }
        throw new IllegalStateException("Weft: no fiber implementation on the class path. "
                + "Add the dependency dev.weft:fiber-impl (same version as dev.weft:fiber-api).");
    }
}
