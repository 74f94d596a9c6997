package dev.weft.fiber.impl.stackless;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorExhaustedException;
import dev.weft.fiber.Generators;
import dev.weft.fiber.impl.stackless.samples.Samples;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential test: every sample body yields the same values on the stackless backend
 * (transformed) as on the stackful one (as javac compiled it), when driven by the same
 * sequence of next and send calls. It also runs the transformed body on the stackful backend,
 * where the rewritten code must behave exactly like the original.
 */
class SamplesEquivalenceTest {

    @TestFactory
    Stream<DynamicTest> transformedBodiesBehaveLikeTheOriginals() throws ReflectiveOperationException {
        Map<String, GeneratorBody<Object>> plain = new Samples().get();
        @SuppressWarnings("unchecked")
        Map<String, GeneratorBody<Object>> transformed = ((Supplier<Map<String, GeneratorBody<Object>>>)
                TransformingClassLoader.forPackages(getClass().getClassLoader(), "dev.weft.fiber.impl.stackless.samples")
                        .loadClass(Samples.class.getName()).getDeclaredConstructor().newInstance()).get();
        return plain.keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            List<String> expected = drive(Generators.stackful(plain.get(name)));
            assertTrue(expected.size() > 2, expected.toString());
            assertEquals(expected, drive(Generators.stackless(transformed.get(name))), "stackless");
            assertEquals(expected, drive(Generators.stackful(transformed.get(name))), "transformed code on the stackful backend");
        }));
    }

    /** next(), then send(1), send(2), ... until the generator ends; records each value and the end. */
    private static List<String> drive(Generator<Object> g) {
        List<String> out = new ArrayList<>();
        try {
            out.add(String.valueOf(g.next()));
            for (int i = 1; i < 1_000; i++) {
                out.add(String.valueOf(i % 3 == 0 ? g.next() : g.send(i)));
            }
            out.add("did not end");
        } catch (GeneratorExhaustedException e) {
            out.add("end " + e.returnValue());
        } catch (RuntimeException e) {
            out.add("threw " + e);
        }
        return out;
    }
}
