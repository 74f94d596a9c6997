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
     * @param <T> the type of the values yielded
     * @param stackless {@code true} for the stackless backend, {@code false} for the stackful one
     * @param body the body, or null when {@code function} is given
     * @param function the body with a return value, or null when {@code body} is given
     * @return the generator
     * @throws IllegalArgumentException for a stackless body whose class was not transformed
     */
    <T> Generator<T> newGenerator(boolean stackless, GeneratorBody<T> body, GeneratorFunction<T, ?> function);

    /**
     * The implementation on the class path.
     *
     * @return the provider, loaded once
     * @throws IllegalStateException naming {@code dev.weft:fiber-impl} if there is none
     */
    static GeneratorProvider get() {
        return ProviderLoader.GENERATORS.provider();
    }
}
