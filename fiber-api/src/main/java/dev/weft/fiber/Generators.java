package dev.weft.fiber;

import dev.weft.fiber.spi.GeneratorProvider;

import java.util.Objects;

/**
 * Factories for {@link Generator}s on Weft's two backends.
 *
 * <ul>
 *   <li><b>Stackful</b> ({@link #stackful(GeneratorBody)}): the body runs on its own
 *       continuation (a heap-allocated stack), so any code it calls, at any depth, may yield.
 *       Needs the JVM flag {@code --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED}.</li>
 *   <li><b>Stackless</b> ({@link #stackless(GeneratorBody)}): the body and every method on the
 *       path to a yield are marked {@link Suspendable} and rewritten by the stackless transformer
 *       (a build step, a class loader or the {@code -javaagent}) into state machines that save
 *       their frames into a heap object when they yield. No JVM flags; the body's class must
 *       have been transformed, or the factory throws.</li>
 * </ul>
 * {@code docs/generators.md} compares the two and shows how to run the transformer.
 */
public final class Generators {
    private Generators() {
    }

    /**
     * A stackful generator running {@code body}. Nothing runs until the first
     * {@link Generator#next()}.
     *
     * @param <T> the type of the values yielded
     * @param body the generator's code
     * @return a new generator in state {@link Generator.State#NEW}
     * @throws IllegalStateException if {@code dev.weft:fiber-impl} is not on the class path, or the
     *         JVM was started without {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}
     *         (the message shows the line to add)
     * @throws NullPointerException if {@code body} is null
     */
    public static <T> Generator<T> stackful(GeneratorBody<T> body) {
        Objects.requireNonNull(body, "body");
        return GeneratorProvider.get().newGenerator(false, body, null);
    }

    /**
     * A stackful generator running {@code function}, whose return value ends the iteration
     * (see {@link GeneratorFunction}). Nothing runs until the first {@link Generator#next()}.
     *
     * @param <T> the type of the values yielded
     * @param function the generator's code
     * @return a new generator in state {@link Generator.State#NEW}
     * @throws IllegalStateException if {@code dev.weft:fiber-impl} is not on the class path, or the
     *         JVM was started without {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}
     *         (the message shows the line to add)
     * @throws NullPointerException if {@code function} is null
     */
    public static <T> Generator<T> stackfulReturning(GeneratorFunction<T, ?> function) {
        Objects.requireNonNull(function, "function");
        return GeneratorProvider.get().newGenerator(false, null, function);
    }

    /**
     * A stackless generator running {@code body}. Nothing runs until the first
     * {@link Generator#next()}.
     *
     * @param <T> the type of the values yielded
     * @param body the generator's code, in a class rewritten by the stackless transformer
     * @return a new generator in state {@link Generator.State#NEW}
     * @throws IllegalStateException if {@code dev.weft:fiber-impl} is not on the class path
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalArgumentException if the body's class was not rewritten by the stackless
     *         transformer
     */
    public static <T> Generator<T> stackless(GeneratorBody<T> body) {
        Objects.requireNonNull(body, "body");
        return GeneratorProvider.get().newGenerator(true, body, null);
    }

    /**
     * A stackless generator running {@code function}, whose return value ends the iteration.
     * Nothing runs until the first {@link Generator#next()}.
     *
     * @param <T> the type of the values yielded
     * @param function the generator's code, in a class rewritten by the stackless transformer
     * @return a new generator in state {@link Generator.State#NEW}
     * @throws IllegalStateException if {@code dev.weft:fiber-impl} is not on the class path
     * @throws NullPointerException if {@code function} is null
     * @throws IllegalArgumentException if the function's class was not rewritten by the
     *         stackless transformer
     */
    public static <T> Generator<T> stacklessReturning(GeneratorFunction<T, ?> function) {
        Objects.requireNonNull(function, "function");
        return GeneratorProvider.get().newGenerator(true, null, function);
    }
}
