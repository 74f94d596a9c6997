package dev.weft.fiber;

/**
 * The code of a generator that returns no value: it yields values through the {@link Yielder}
 * it is given.
 *
 * <pre>{@code
 * Generator<Integer> counter = Generators.stackful(y -> {
 *     for (int i = 0; ; i++) {
 *         y.yield(i);
 *     }
 * });
 * }</pre>
 *
 * @param <T> the type of the values yielded
 */
@FunctionalInterface
public interface GeneratorBody<T> {

    /**
     * Runs the generator's code. Runs on the first {@link Generator#next()} and suspends at each
     * {@link Yielder#yield(Object)}; returning (or throwing) ends the generator.
     *
     * @param yielder the handle through which this body yields; valid only inside this call
     */
    @Suspendable
    void run(Yielder<T> yielder);
}
