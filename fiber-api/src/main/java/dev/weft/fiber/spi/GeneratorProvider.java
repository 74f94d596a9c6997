package dev.weft.fiber.spi;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorFunction;

import java.util.ServiceLoader;

/**
 * The bridge from {@link dev.weft.fiber.Generators} to the generator backends, found through
 * {@link ServiceLoader}. Not for application code: {@code dev.weft:fiber-impl} provides the one
 * implementation.
 */
public interface GeneratorProvider {

    /**
     * A new generator in state NEW. Exactly one of {@code body} and {@code function} is non-null.
     *
     * @param stackless {@code true} for the stackless backend, {@code false} for the stackful one
     */
    <T> Generator<T> newGenerator(boolean stackless, GeneratorBody<T> body, GeneratorFunction<T, ?> function);

    /**
     * The implementation on the class path.
     *
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static GeneratorProvider get() {
        return ProviderLoader.GENERATORS.provider();
    }
}
