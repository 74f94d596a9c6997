package dev.weft.fiber.test;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Runs a {@link FiberTest} method under its seeds. The method is invoked reflectively inside each
 * seed's root fiber (JUnit's own invocation is skipped: it could run only once, and on JUnit's
 * thread). A {@link DeterministicScheduler} parameter is resolved to a placeholder that each run
 * replaces with its own scheduler.
 */
public final class FiberTestExtension implements InvocationInterceptor, ParameterResolver {

    /** The system property that reruns one seed. */
    public static final String SEED_PROPERTY = "weft.seed";

    /** The system property that overrides {@link FiberTest#seeds()}. */
    public static final String SEEDS_PROPERTY = "weft.seeds";

    /** The system property that overrides {@link FiberTest#strategy()} ({@code UNIFORM} or {@code PCT}). */
    public static final String STRATEGY_PROPERTY = "weft.strategy";

    /** Creates the extension; JUnit does, through {@link FiberTest}'s {@code @ExtendWith}. */
    public FiberTestExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == DeterministicScheduler.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return null; // replaced by each run's scheduler
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        Method method = invocationContext.getExecutable();
        FiberTest config = method.getAnnotation(FiberTest.class);
        if (config == null) {
            invocation.proceed(); // the extension was registered by hand on a plain test
            return;
        }
        invocation.skip();
        Object target = invocationContext.getTarget().orElse(null);
        List<Object> arguments = invocationContext.getArguments();
        Class<?>[] types = method.getParameterTypes();
        method.setAccessible(true);

        String property = System.getProperty(SEED_PROPERTY);
        long first;
        int seeds;
        if (property != null && !property.isBlank()) {
            first = parseLong(SEED_PROPERTY, property);
            seeds = 1;
        } else if (config.seed() != FiberTest.NO_SEED) {
            first = config.seed();
            seeds = 1;
        } else {
            first = config.firstSeed();
            String count = System.getProperty(SEEDS_PROPERTY);
            seeds = count != null && !count.isBlank() ? (int) parseLong(SEEDS_PROPERTY, count) : config.seeds();
            if (seeds < 1) {
                throw new IllegalArgumentException("@FiberTest(seeds = " + seeds + ") on " + method + ": seeds must be at least 1");
            }
        }
        DeterministicScheduler.Strategy strategy = strategy(config);
        String name = method.getDeclaringClass().getName() + "#" + method.getName();
        for (int i = 0; i < seeds; i++) {
            long seed = first + i;
            DeterministicScheduler scheduler = Schedulers.deterministic(seed, strategy);
            Object[] args = arguments.toArray();
            for (int a = 0; a < args.length; a++) {
                if (types[a] == DeterministicScheduler.class) {
                    args[a] = scheduler;
                }
            }
            Throwable failure = Explorer.runOnce(scheduler, s -> invoke(method, target, args));
            if (failure != null) {
                String rerun = "mvn test -Dtest='" + method.getDeclaringClass().getSimpleName() + "#" + method.getName()
                        + "' -D" + SEED_PROPERTY + "=" + seed
                        + (strategy != config.strategy() ? " -D" + STRATEGY_PROPERTY + "=" + strategy : "")
                        + "   (or @FiberTest(seed = " + (seed == (int) seed ? "" + seed : seed + "L")
                        + ", strategy = " + strategy + "))";
                throw new FiberTestFailure(name, rerun, i + 1, scheduler.trace(), failure);
            }
        }
    }

    private static DeterministicScheduler.Strategy strategy(FiberTest config) {
        String value = System.getProperty(STRATEGY_PROPERTY);
        if (value == null || value.isBlank()) {
            return config.strategy();
        }
        try {
            return DeterministicScheduler.Strategy.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + STRATEGY_PROPERTY + " must be one of "
                    + java.util.Arrays.toString(DeterministicScheduler.Strategy.values()) + ": '" + value + "'", e);
        }
    }

    private static long parseLong(String property, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + property + " must be a whole number: '" + value + "'", e);
        }
    }

    private static void invoke(Method method, Object target, Object[] args) throws Exception {
        try {
            method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }
}
