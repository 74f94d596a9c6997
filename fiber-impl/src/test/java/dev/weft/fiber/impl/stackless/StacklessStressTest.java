package dev.weft.fiber.impl.stackless;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Generator;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many stackless coroutines and generators moving between carriers of a two-carrier
 * work-stealing scheduler: each step may run on a different thread than the last, so the saved
 * frames must be published through the hand-off. Small by default; {@code -Pstress}
 * ({@code weft.stress=true}) multiplies the counts by 20.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StacklessStressTest {
    private static final int SCALE = Boolean.getBoolean("weft.stress") ? 20 : 1;

    private static final ClassLoader TRANSFORMED = TransformingClassLoader.forPackages(
            StacklessStressTest.class.getClassLoader(), "dev.weft.fiber.impl.stackless.samples",
            "dev.weft.fiber.impl.gen.bodies");

    @Test
    void coroutinesMigratingBetweenCarriersKeepTheirState() throws Exception {
        int coroutines = 500 * SCALE;
        int steps = 200;
        AtomicLong counter = new AtomicLong();
        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < coroutines; i++) {
                StacklessCoroutine.Body body = (StacklessCoroutine.Body) TRANSFORMED
                        .loadClass("dev.weft.fiber.impl.stackless.samples.CoroutineBodies")
                        .getMethod("counting", AtomicLong.class, int.class, List.class)
                        .invoke(null, counter, steps, null);
                done.add(StacklessCoroutine.start(scheduler, body).completion());
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
        }
        assertEquals((long) coroutines * steps, counter.get());
    }

    @Test
    void deepStacklessGeneratorsDrivenByMigratingFibers() throws Exception {
        int fibers = 50 * SCALE;
        int depth = 200;
        dev.weft.fiber.impl.gen.ContractBodies bodies = (dev.weft.fiber.impl.gen.ContractBodies) TRANSFORMED
                .loadClass("dev.weft.fiber.impl.gen.bodies.ContractBodiesImpl").getDeclaredConstructor().newInstance();
        long expectedTotal = (long) depth * (depth + 1) / 2;
        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            List<Fiber<Long>> running = new ArrayList<>();
            for (int f = 0; f < fibers; f++) {
                running.add(Fiber.builder().scheduler(scheduler).start(() -> {
                    Generator<Long> g = Generators.stackless(bodies.deep(depth));
                    long last = 0;
                    for (long v : g) {
                        last = v;
                        Fiber.yield();
                    }
                    return last;
                }));
            }
            for (Fiber<Long> f : running) {
                assertEquals(-expectedTotal, f.get());
            }
        }
    }
}
