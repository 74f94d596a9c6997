package dev.weft.fiber;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API module on its own: {@code fiber-impl} is not on this module's test class path, so
 * every operation that needs an implementation must fail with a message that tells the user
 * which dependency to add, and argument checks done by the API itself must still work.
 */
class NoImplementationTest {

    private static final String IMPL_COORDINATES = "dev.weft:fiber-impl";

    @Test
    void startWithoutImplementationNamesTheMissingDependency() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fiber.start(() -> 1));
        assertTrue(e.getMessage().contains(IMPL_COORDINATES), e.getMessage());
    }

    @Test
    void failureIsRepeatedOnEveryCallNotCached() {
        // A cached failure would turn the second call into a NoClassDefFoundError or similar.
        for (int i = 0; i < 3; i++) {
            IllegalStateException e = assertThrows(IllegalStateException.class, Fiber::current);
            assertTrue(e.getMessage().contains(IMPL_COORDINATES), e.getMessage());
        }
    }

    @Test
    void schedulerFactoriesWithoutImplementationNameTheMissingDependency() {
        IllegalStateException ws = assertThrows(IllegalStateException.class, () -> Schedulers.workStealing(1));
        assertTrue(ws.getMessage().contains(IMPL_COORDINATES), ws.getMessage());
        IllegalStateException fifo = assertThrows(IllegalStateException.class, () -> Schedulers.fifo(1));
        assertTrue(fifo.getMessage().contains(IMPL_COORDINATES), fifo.getMessage());
        IllegalStateException def = assertThrows(IllegalStateException.class, Schedulers::defaultScheduler);
        assertTrue(def.getMessage().contains(IMPL_COORDINATES), def.getMessage());
        IllegalStateException det = assertThrows(IllegalStateException.class, () -> Schedulers.deterministic(1));
        assertTrue(det.getMessage().contains(IMPL_COORDINATES), det.getMessage());
    }

    @Test
    void argumentChecksOfTheApiComeBeforeTheImplementationLookup() {
        assertThrows(IllegalArgumentException.class, () -> Schedulers.workStealing(0));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.fifo(-1));
        assertEquals("strategy", assertThrows(NullPointerException.class,
                () -> Schedulers.deterministic(1, null)).getMessage());
        assertEquals("trace", assertThrows(NullPointerException.class, () -> Schedulers.replay(null)).getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Fiber.sleep(Duration.ofMillis(-1)));
        assertTrue(negative.getMessage().contains("negative"), negative.getMessage());

        assertEquals("duration", assertThrows(NullPointerException.class, () -> Fiber.sleep(null)).getMessage());
        assertEquals("task", assertThrows(NullPointerException.class,
                () -> Fiber.start((Callable<Object>) null)).getMessage());
        assertEquals("task", assertThrows(NullPointerException.class,
                () -> Fiber.start((Runnable) null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class,
                () -> Fiber.builder().name(null)).getMessage());
        assertEquals("scheduler", assertThrows(NullPointerException.class,
                () -> Fiber.builder().scheduler(null)).getMessage());
        assertEquals("handler", assertThrows(NullPointerException.class,
                () -> Fiber.builder().uncaughtExceptionHandler(null)).getMessage());
    }

    @Test
    void parkNanosWithNonPositiveTimeReturnsWithoutAnImplementation() {
        // Documented to return at once for nanos <= 0, like LockSupport.parkNanos.
        Fiber.parkNanos(0);
        Fiber.parkNanos(-5);
    }

    @Test
    void executorsScopesAndLocalsWithoutImplementationNameTheMissingDependency() {
        for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                FiberExecutors::newFiberPerTaskExecutor,
                FiberExecutors::newRawFiberPerTaskExecutor,
                FiberScope::open,
                () -> new FiberLocal<String>().get(),
                InheritableFiberLocal::new)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains(IMPL_COORDINATES), e.getMessage());
        }
    }

    @Test
    void argumentChecksOfTheExecutorAndScopeApiComeFirst() {
        assertEquals("scheduler", assertThrows(NullPointerException.class,
                () -> FiberExecutors.newFiberPerTaskExecutor(null)).getMessage());
        assertEquals("scheduler", assertThrows(NullPointerException.class,
                () -> Schedulers.virtualThreadBuilder(null)).getMessage());
        assertThrows(NullPointerException.class, () -> FiberExecutors.newRawFiberPerTaskExecutor(null, 0));
        assertThrows(NullPointerException.class, () -> FiberScope.open(null));
        assertThrows(IllegalArgumentException.class,
                () -> FiberScope.open(FiberScope.Joiner.awaitAll(), c -> c.withTimeout(Duration.ofSeconds(-1))));
    }
}
