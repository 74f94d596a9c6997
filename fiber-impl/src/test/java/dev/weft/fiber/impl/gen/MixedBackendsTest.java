package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorExhaustedException;
import dev.weft.fiber.Generators;
import dev.weft.fiber.impl.gen.bodies.ContractBodiesImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** yieldFrom across backends: each backend delegates to the other through the public API only. */
class MixedBackendsTest {
    private static final ContractBodies PLAIN = new ContractBodiesImpl();
    private static final ContractBodies TRANSFORMED = StacklessGeneratorTest.loadTransformed();

    @Test
    void stacklessOuterDelegatesToStackfulInner() {
        List<String> log = new ArrayList<>();
        Generator<Object> g = Generators.stackless(TRANSFORMED.delegating(
                () -> Generators.stackfulReturning(PLAIN.inner(log)), log));
        exercise(g, log);
    }

    @Test
    void stackfulOuterDelegatesToStacklessInner() {
        List<String> log = new ArrayList<>();
        Generator<Object> g = Generators.stackful(PLAIN.delegating(
                () -> Generators.stacklessReturning(TRANSFORMED.inner(log)), log));
        exercise(g, log);
    }

    private static void exercise(Generator<Object> g, List<String> log) {
        assertEquals("a", g.next());
        assertEquals("inner got x", g.send("x"));
        assertEquals("inner caught e", g.throwInto(new IllegalArgumentException("e")));
        assertEquals("inner returned inner-result", g.send("stop"));
        assertThrows(GeneratorExhaustedException.class, g::next);
        assertEquals(List.of("inner finally", "outer finally"), log);
    }
}
