package dev.weft.fiber.spi;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the {@link GeneratorProvider} on first use. As for fibers, a failed lookup is not cached,
 * so every call made without an implementation gets the same clear message.
 */
final class GeneratorProviderLoader {
    private static volatile GeneratorProvider provider;

    private GeneratorProviderLoader() {
    }

    static GeneratorProvider provider() {
        GeneratorProvider p = provider;
        return p != null ? p : load();
    }

    private static synchronized GeneratorProvider load() {
        if (provider != null) {
            return provider;
        }
        try {
            Iterator<GeneratorProvider> it = ServiceLoader.load(GeneratorProvider.class,
                    GeneratorProvider.class.getClassLoader()).iterator();
            if (it.hasNext()) {
                provider = it.next();
                return provider;
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("Weft: the generator implementation failed to load: " + e.getMessage(), e);
        }
        throw new IllegalStateException("Weft: no generator implementation on the class path. "
                + "Add the dependency dev.weft:fiber-impl (same version as dev.weft:fiber-api).");
    }
}
