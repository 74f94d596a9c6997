package dev.weft.fiber;

/**
 * The handle a generator's body yields through. Each generator gives its body one yielder,
 * valid only on the body's own call path while the generator runs: calling it from anywhere
 * else (another generator's body, another thread, after the body returned) throws
 * {@link IllegalStateException}.
 *
 * @param <T> the type of the values yielded
 */
public interface Yielder<T> {

    /**
     * Hands {@code value} to the caller of {@link Generator#next()}, {@link Generator#send(Object)}
     * or {@link Generator#throwInto(Throwable)} and suspends the body until the generator is
     * resumed, like Python's {@code x = yield value}.
     *
     * <p>Besides the exceptions below, an exception passed to {@link Generator#throwInto(Throwable)}
     * is thrown from here, checked or not.
     *
     * @param value the value to produce (may be null)
     * @return the value passed to {@link Generator#send(Object)}, or null after {@link Generator#next()}
     * @throws GeneratorExit when the generator is {@linkplain Generator#close() closed} while
     *         suspended here; let it propagate (a {@code finally} block still runs)
     * @throws IllegalStateException if called outside this yielder's generator body
     */
    @Suspendable
    Object yield(T value);

    /**
     * Delegates to {@code inner} until it is exhausted, like Python's {@code yield from}: every
     * value {@code inner} yields is yielded by this generator; values sent to this generator are
     * sent to {@code inner}; exceptions thrown into this generator are thrown into {@code inner};
     * closing this generator closes {@code inner}.
     *
     * @param inner a generator in state {@link Generator.State#NEW} or {@link Generator.State#SUSPENDED}
     * @return the return value of {@code inner} (see {@link GeneratorFunction})
     * @throws NullPointerException if {@code inner} is null
     * @throws IllegalStateException if called outside this yielder's generator body
     */
    @Suspendable
    Object yieldFrom(Generator<? extends T> inner);
}
