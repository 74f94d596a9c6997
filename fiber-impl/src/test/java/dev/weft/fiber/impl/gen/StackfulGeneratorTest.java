package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.Generators;
import dev.weft.fiber.impl.gen.bodies.ContractBodiesImpl;

/** The generator contract on the stackful backend, with the bodies as javac compiled them. */
class StackfulGeneratorTest extends GeneratorContractTest {
    private static final ContractBodies BODIES = new ContractBodiesImpl();

    @Override
    protected ContractBodies bodies() {
        return BODIES;
    }

    @Override
    protected <T> Generator<T> generator(GeneratorBody<T> body) {
        return Generators.stackful(body);
    }

    @Override
    protected <T> Generator<T> generatorReturning(GeneratorFunction<T, ?> function) {
        return Generators.stackfulReturning(function);
    }
}
