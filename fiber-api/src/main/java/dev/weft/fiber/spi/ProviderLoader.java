package dev.weft.fiber.spi;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the implementation of one provider interface through {@link ServiceLoader}, on first use.
 * A failed lookup is not cached, so every call made without an implementation gets the same clear
 * message rather than a {@code NoClassDefFoundError} from a failed class initializer.
 *
 * @param <T> the provider interface
 */
final class ProviderLoader<T> {
    static final ProviderLoader<FiberProvider> FIBERS = new ProviderLoader<>(FiberProvider.class, "fiber");
    static final ProviderLoader<GeneratorProvider> GENERATORS = new ProviderLoader<>(GeneratorProvider.class, "generator");
    static final ProviderLoader<ChannelProvider> CHANNELS = new ProviderLoader<>(ChannelProvider.class, "channel");
    static final ProviderLoader<SyncProvider> SYNC = new ProviderLoader<>(SyncProvider.class, "synchronizer");
    static final ProviderLoader<ExecutorProvider> EXECUTORS = new ProviderLoader<>(ExecutorProvider.class, "executor");
    static final ProviderLoader<IoProvider> IO = new ProviderLoader<>(IoProvider.class, "I/O");
    static final ProviderLoader<DiagnosticsProvider> DIAGNOSTICS = new ProviderLoader<>(DiagnosticsProvider.class, "diagnostics");

    private final Class<T> type;
    private final String what;
    private volatile T provider;

    private ProviderLoader(Class<T> type, String what) {
        this.type = type;
        this.what = what;
    }

    T provider() {
        T p = provider;
        return p != null ? p : load();
    }

    private synchronized T load() {
        if (provider != null) {
            return provider;
        }
        try {
            Iterator<T> it = ServiceLoader.load(type, type.getClassLoader()).iterator();
            if (it.hasNext()) {
                provider = it.next();
                return provider;
            }
        } catch (ServiceConfigurationError e) {
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Weft: the " + what + " implementation failed to load: " + reason.getMessage(), e);
        }
        throw new IllegalStateException("Weft: no " + what + " implementation on the class path. "
                + "Add the dependency dev.weft:fiber-impl (same version as dev.weft:fiber-api).");
    }
}
