package dev.weft.fiber.impl.stackless;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Yielder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stackless coroutines as tasks, and the run-time errors of the stackless backend. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StacklessRuntimeTest {

    private static final ClassLoader TRANSFORMED = TransformingClassLoader.forPackages(
            StacklessRuntimeTest.class.getClassLoader(), "dev.weft.fiber.impl.stackless.samples");

    @SuppressWarnings("unchecked")
    private static <T> T body(String factory, Object... args) {
        try {
            Class<?> c = TRANSFORMED.loadClass("dev.weft.fiber.impl.stackless.samples.CoroutineBodies");
            for (var m : c.getMethods()) {
                if (m.getName().equals(factory)) {
                    return (T) m.invoke(null, args);
                }
            }
            throw new AssertionError("no factory " + factory);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void coroutineRunsOneStepPerRun() {
        AtomicLong counter = new AtomicLong();
        StacklessCoroutine c = StacklessCoroutine.create(body("counting", counter, 3, null));
        for (int step = 1; step <= 3; step++) {
            c.run();
            assertEquals(step, counter.get());
            assertFalse(c.isDone());
        }
        c.run();
        assertTrue(c.isDone());
        assertTrue(c.completion().isDone());
        IllegalStateException e = assertThrows(IllegalStateException.class, c::run);
        assertTrue(e.getMessage().contains("has ended"), e.getMessage());
    }

    @Test
    void coroutineFailureCompletesExceptionally() {
        StacklessCoroutine c = StacklessCoroutine.create(body("failing"));
        c.run();
        c.run();
        assertTrue(c.isDone());
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.completion().get());
        assertEquals("coroutine failed", e.getCause().getMessage());
    }

    @Test
    void coroutinesRunOnAPlainExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            runMany(pool, 100, 20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void coroutinesRunOnWeftSchedulers() throws Exception {
        for (Supplier<FiberScheduler> factory : List.<Supplier<FiberScheduler>>of(() -> Schedulers.fifo(2),
                () -> Schedulers.workStealing(2))) {
            try (FiberScheduler scheduler = factory.get()) {
                runMany(scheduler, 200, 50);
            }
        }
    }

    private static void runMany(java.util.concurrent.Executor executor, int coroutines, int steps) throws Exception {
        AtomicLong counter = new AtomicLong();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < coroutines; i++) {
            done.add(StacklessCoroutine.start(executor, body("counting", counter, steps, i == 0 ? threads : null)).completion());
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertEquals((long) coroutines * steps, counter.get());
        assertEquals(steps, threads.size());
    }

    @Test
    void parkedCoroutineRunsAgainOnlyAfterUnpark() {
        AtomicLong counter = new AtomicLong();
        StacklessCoroutine c = StacklessCoroutine.create(body("parking", counter, 3));
        c.run();
        assertEquals(1, counter.get());
        IllegalStateException e = assertThrows(IllegalStateException.class, c::run);
        assertTrue(e.getMessage().contains("is parked"), e.getMessage());
        c.unpark();
        c.run();
        assertEquals(2, counter.get());
        c.unpark();
        c.unpark();
        c.run();
        assertEquals(3, counter.get());
        assertFalse(c.isDone());
        c.unpark();
        c.run();
        assertTrue(c.isDone());
    }

    @Test
    void unparkBeforeParkIsNotLost() {
        AtomicLong counter = new AtomicLong();
        StacklessCoroutine c = StacklessCoroutine.create(body("parking", counter, 1));
        c.unpark();
        c.run();
        assertTrue(c.isDone(), "the permit given before the park lets it return at once");
        assertEquals(1, counter.get());
    }

    @Test
    void currentIsNullOutsideACoroutine() {
        assertEquals(null, StacklessCoroutine.current());
    }

    @Test
    void ringOfCoroutinesOnTwoCarriersPassesEveryHop() throws Exception {
        int size = 8;
        int rounds = 2_000;
        AtomicLong hops = new AtomicLong();
        AtomicInteger holder = new AtomicInteger(-1);
        StacklessCoroutine[] members = new StacklessCoroutine[size];
        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                members[i] = StacklessCoroutine.start(scheduler, body("ringMember", i, members, holder, rounds, hops));
                done.add(members[i].completion());
            }
            holder.set(0);
            members[0].unpark();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        }
        assertEquals((long) size * rounds, hops.get());
    }

    @Test
    void parkOutsideACoroutineThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class, StacklessCoroutine::park);
        assertTrue(e.getMessage().contains("outside a stackless coroutine"), e.getMessage());
    }

    @Test
    void yieldNowOutsideACoroutineThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class, StacklessCoroutine::yieldNow);
        assertTrue(e.getMessage().contains("outside a stackless coroutine"), e.getMessage());
    }

    @Test
    void yieldNowInsideAStacklessGeneratorThrows() {
        Generator<Integer> g = Generators.stackless(body("coroutineYieldInGenerator"));
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertTrue(e.getMessage().contains("outside a stackless coroutine"), e.getMessage());
    }

    @Test
    void yielderUsedOutsideItsBodyThrows() {
        AtomicReference<Yielder<Integer>> escaped = new AtomicReference<>();
        Generator<Integer> g = Generators.stackless(body("leaksYielder", escaped));
        assertEquals(1, g.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> escaped.get().yield(2));
        assertTrue(e.getMessage().contains("outside any stackless coroutine"), e.getMessage());
    }

    @Test
    void untransformedBodyIsRejectedAtCreation() {
        GeneratorBody<Integer> plain = y -> y.yield(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Generators.stackless(plain));
        assertTrue(e.getMessage().contains(StacklessRuntimeTest.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("not rewritten by the stackless transformer"), e.getMessage());
    }

    @Test
    void aSuspendedCoroutineDoesNotRetainDeadLocals() throws InterruptedException {
        AtomicReference<WeakReference<Object>> published = new AtomicReference<>();
        Generator<Integer> g = Generators.stackless(body("deadBeforeYield", published));
        assertEquals(1, g.next());
        for (int i = 0; i < 20 && published.get().get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(published.get().get() == null, "the dead array is still reachable from the suspended generator");
        assertEquals(2, g.next());
    }

    @Test
    void suspensionThroughAnUntransformedMethodFailsClearly() {
        Generator<Integer> g = Generators.stackless(body("throughUntransformedHelper"));
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertTrue(e.getMessage().contains("not transformed"), e.getMessage());
        assertEquals(Generator.State.CLOSED, g.state());
    }
}
