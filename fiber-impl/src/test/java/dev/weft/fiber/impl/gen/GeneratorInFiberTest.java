package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Generator;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Generators driven from fibers: a stackful generator body may suspend its fiber (the generator's
 * continuation nests inside the fiber's), and both backends can be driven from a fiber.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GeneratorInFiberTest {

    @Test
    void fiberYieldingAndSleepingInsideAStackfulGeneratorBodySuspendsBoth() throws Exception {
        try (FiberScheduler scheduler = Schedulers.fifo(2)) {
            List<Fiber<List<Integer>>> fibers = new ArrayList<>();
            for (int f = 0; f < 8; f++) {
                int offset = f * 100;
                fibers.add(Fiber.builder().scheduler(scheduler).start(() -> {
                    Generator<Integer> g = Generators.stackful(y -> {
                        for (int i = 0; i < 5; i++) {
                            Fiber.yield();
                            if (i == 2) {
                                sleepBriefly();
                            }
                            y.yield(offset + i);
                        }
                    });
                    List<Integer> seen = new ArrayList<>();
                    for (int v : g) {
                        seen.add(v);
                        Fiber.yield();
                    }
                    return seen;
                }));
            }
            for (int f = 0; f < fibers.size(); f++) {
                int offset = f * 100;
                assertEquals(List.of(offset, offset + 1, offset + 2, offset + 3, offset + 4), fibers.get(f).get());
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Fiber.sleep(Duration.ofMillis(1));
        } catch (InterruptedException e) {
            throw new AssertionError("not interrupted by the test", e);
        }
    }

    @Test
    void stacklessGeneratorCanBeDrivenFromAFiber() throws Exception {
        ContractBodies bodies = StacklessGeneratorTest.loadTransformed();
        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            Fiber<List<Integer>> fiber = Fiber.builder().scheduler(scheduler).start(() -> {
                Generator<Integer> g = Generators.stacklessReturning(bodies.counter(4));
                List<Integer> seen = new ArrayList<>();
                for (int v : g) {
                    seen.add(v);
                    Fiber.yield();
                }
                return seen;
            });
            assertEquals(List.of(0, 1, 2, 3), fiber.get());
        }
    }
}
