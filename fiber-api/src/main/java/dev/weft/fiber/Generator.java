package dev.weft.fiber;

import java.util.Iterator;
import java.util.stream.Stream;

/**
 * A Python-style generator: a body that runs in steps, yielding a value at each step and
 * receiving a value (or an exception) when it is resumed. Created by {@link Generators} on one
 * of two backends, stackful (any code may yield, at any call depth) or stackless (the body is
 * rewritten by the stackless transformer); both behave as described here.
 *
 * <pre>{@code
 * Generator<String> echo = Generators.stackful(y -> {
 *     Object received = y.yield("ready");
 *     while (true) {
 *         received = y.yield("got " + received);
 *     }
 * });
 * echo.next();          // "ready": runs the body to its first yield
 * echo.send("a");       // "got a"
 * echo.close();         // GeneratorExit at the pending yield; finally blocks run
 * }</pre>
 *
 * <h2>States</h2>
 * <pre>
 *   NEW --next/send(null)--> RUNNING --yield--> SUSPENDED --next/send/throwInto--> RUNNING
 *   RUNNING --body returns or throws--> CLOSED
 *   NEW or SUSPENDED --close--> CLOSED (a SUSPENDED body first unwinds from GeneratorExit)
 * </pre>
 * A generator is not thread-safe, but it is safe to hand from one thread to another between
 * calls; a call made while another call is running (from inside the body, or from another
 * thread) throws {@link IllegalStateException} "generator already executing".
 *
 * @param <T> the type of the values yielded
 */
public interface Generator<T> extends Iterable<T>, AutoCloseable {

    /** The life cycle of a generator. */
    enum State {
        /** Created; the body has not started. */
        NEW,
        /** The body is suspended at a yield. */
        SUSPENDED,
        /** The body is running (inside a call of {@code next}, {@code send}, {@code throwInto} or {@code close}). */
        RUNNING,
        /** The body returned or threw, or the generator was closed. */
        CLOSED
    }

    /**
     * Runs the body until its next yield and returns the value yielded; the pending yield (if any)
     * returns null in the body. Same as {@code send(null)}. Runs the body on the calling
     * thread (or fiber) and returns when it yields: nothing is scheduled, nothing blocks unless
     * the body does.
     *
     * @return the value the body yielded
     * @throws GeneratorExhaustedException if the body returns (carrying its return value) or
     *         the generator is closed
     * @throws IllegalStateException if the generator is already executing
     * @throws RuntimeException or {@link Error} thrown by the body, which closes the generator
     */
    T next();

    /**
     * Resumes the body, making {@code value} the result of the pending {@link Yielder#yield(Object)},
     * and returns the next value yielded. Runs the body on the caller, as {@link #next()} does.
     *
     * @param value the value for the pending yield (may be null)
     * @return the next value the body yielded
     * @throws IllegalStateException if {@code value} is not null and the generator has not
     *         started (as in Python, the first call must be {@code next()} or {@code send(null)}),
     *         or if the generator is already executing
     * @throws GeneratorExhaustedException as for {@link #next()}
     */
    T send(Object value);

    /**
     * Throws {@code error} at the pending yield, like Python's {@code generator.throw}. If the
     * body catches it and yields again, that value is returned; if the body lets it escape, it
     * propagates from this call and the generator is closed. On a generator that has not started,
     * the body never runs: the generator closes and {@code error} is thrown from here. On a closed
     * generator, {@code error} is thrown from here.
     *
     * <p>A checked exception is thrown at the yield as it is, though {@code yield} does not
     * declare it; a body catches it with {@code catch (Exception e)}.
     *
     * @param error the exception to throw at the pending yield
     * @return the next value the body yielded, if it caught {@code error} and yielded again
     * @throws NullPointerException if {@code error} is null
     * @throws GeneratorExhaustedException if the body catches {@code error} and returns
     * @throws IllegalStateException if the generator is already executing
     */
    T throwInto(Throwable error);

    /**
     * Closes the generator, like Python's {@code generator.close()}. A suspended body receives
     * {@link GeneratorExit} at its pending yield and unwinds, running its {@code finally} blocks.
     * Does nothing on a generator that is new (the body never runs) or already closed.
     *
     * @throws IllegalStateException if the body yields again while closing ("generator ignored
     *         GeneratorExit"; the generator then stays suspended at that yield, as in Python), or
     *         if the generator is already executing
     * @throws RuntimeException or {@link Error} (other than {@code GeneratorExit}) thrown by
     *         the body while unwinding
     */
    @Override
    void close();

    /**
     * The current state; a snapshot when read from a thread that is not driving the generator.
     *
     * @return the state
     */
    State state();

    /**
     * The value the body returned.
     *
     * @return the body's return value (null for a {@link GeneratorBody})
     * @throws IllegalStateException if the body has not returned (still running, suspended,
     *         new, closed by {@link #close()} or ended by an exception)
     */
    Object returnValue();

    /**
     * A lazy iterator over the values still to be yielded: {@code hasNext()} runs the body to its
     * next yield (once, keeping the value for the iterator's {@code next()}) and returns false when
     * the body returns. The iterator advances the generator itself (like Python, where a
     * generator is its own iterator); a value it has looked ahead at belongs to the iterator, so
     * do not mix its use with calls of {@link #next()}.
     *
     * @return an iterator that drives this generator
     */
    @Override
    Iterator<T> iterator();

    /**
     * A lazy sequential stream of the values still to be yielded; the body runs only as the
     * stream pulls elements, and closing the stream (for example with try-with-resources)
     * closes the generator.
     *
     * @return a stream that drives this generator
     */
    Stream<T> stream();
}
