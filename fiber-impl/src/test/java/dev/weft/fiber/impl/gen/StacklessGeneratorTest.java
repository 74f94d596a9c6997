package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Generators;
import dev.weft.fiber.impl.stackless.TransformingClassLoader;

/**
 * The generator contract on the stackless backend: the same bodies, loaded through the
 * transforming class loader so the stackless transformer has rewritten them.
 */
class StacklessGeneratorTest extends GeneratorContractTest {
    private static final ContractBodies BODIES = loadTransformed();

    static ContractBodies loadTransformed() {
        try {
            ClassLoader loader = TransformingClassLoader.forPackages(StacklessGeneratorTest.class.getClassLoader(),
                    "dev.weft.fiber.impl.gen.bodies");
            return (ContractBodies) loader.loadClass("dev.weft.fiber.impl.gen.bodies.ContractBodiesImpl")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected ContractBodies bodies() {
        return BODIES;
    }

    @Override
    protected <T> Generator<T> generator(GeneratorBody<T> body) {
        return Generators.stackless(body);
    }

    @Override
    protected <T> Generator<T> generatorReturning(GeneratorFunction<T, ?> function) {
        return Generators.stacklessReturning(function);
    }
}
