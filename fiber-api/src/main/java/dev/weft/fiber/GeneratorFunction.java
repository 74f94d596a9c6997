package dev.weft.fiber;

/**
 * The code of a generator that returns a value when it ends, like a Python generator's
 * {@code return value}: the value is carried by the {@link GeneratorExhaustedException} that
 * ends iteration, by {@link Generator#returnValue()}, and becomes the result of a delegating
 * {@link Yielder#yieldFrom(Generator)}.
 *
 * @param <T> the type of the values yielded
 * @param <R> the type of the return value
 */
@FunctionalInterface
public interface GeneratorFunction<T, R> {

    /**
     * Runs the generator's code; see {@link GeneratorBody#run(Yielder)}.
     *
     * @param yielder the handle through which this body yields; valid only inside this call
     * @return the generator's return value
     */
    @Suspendable
    R run(Yielder<T> yielder);
}
