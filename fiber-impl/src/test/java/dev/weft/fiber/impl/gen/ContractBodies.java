package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorFunction;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The generator bodies of {@link GeneratorContractTest}. The stackful test uses the class as
 * compiled; the stackless test loads the same class through the transforming class loader, so
 * both backends run identical code.
 */
public interface ContractBodies {

    /** Yields 0 .. n-1 and returns "done". */
    GeneratorFunction<Integer, String> counter(int n);

    /** Yields "ready", then "got X" for each X sent. */
    GeneratorBody<String> echo();

    /** Yields 1; if an IllegalArgumentException is thrown in, yields "caught " + message; then yields 3. */
    GeneratorBody<Object> catching(List<String> log);

    /** Yields 1 and 2 inside try/finally that logs "finally". */
    GeneratorBody<Integer> withFinally(List<String> log);

    /** Yields 1; on GeneratorExit yields 2 (which is an error). */
    GeneratorBody<Integer> ignoresExit();

    /** Yields 1; on GeneratorExit logs it and returns "cleaned". */
    GeneratorFunction<Integer, String> returnsOnExit(List<String> log);

    /** Yields n values then throws IllegalStateException("boom"). */
    GeneratorBody<Integer> throwsAfter(int n);

    /** yieldFrom(inner), then yields "inner returned " + its return value. */
    GeneratorBody<Object> delegating(Supplier<Generator<Object>> inner, List<String> log);

    /** An inner generator for {@link #delegating}: yields "a", then echoes sent values; catches IllegalArgumentException; logs its finally; returns "inner-result" when sent "stop". */
    GeneratorFunction<Object, String> inner(List<String> log);

    /** Yields 1, then calls next() on the generator that {@code self} supplies (its own). */
    GeneratorBody<Integer> reentrant(Supplier<Generator<Integer>> self);

    /** Recurses {@code depth} frames, yields at the bottom and at every 100th level on the way back, checking locals. */
    GeneratorBody<Long> deep(int depth);

    /** Yields 0, 1, 2, ... forever, logging each production; logs "closed" in finally. */
    GeneratorBody<Integer> infinite(List<String> log);

    /** Keeps int, long, float, double, String, array and null locals across yields and yields a summary each time. */
    GeneratorBody<String> mixedLocals();

    /** Yields through a helper two calls down that catches an injected exception and yields again. */
    GeneratorBody<String> nestedCatch();

    /** Yields 1, then signals {@code entered} and waits for {@code release} before yielding 2. */
    GeneratorBody<Integer> blocking(CountDownLatch entered, CountDownLatch release);

    /** Calls next() on the (exhausted) generator {@code exhausted} supplies, letting the exception escape. */
    GeneratorBody<Integer> callsExhausted(Supplier<Generator<Integer>> exhausted);

    /** Yields 1; on any Exception thrown in, yields "caught " + its simple class name. */
    GeneratorBody<Object> catchesChecked();

    /** Creates an inner generator with {@code factory} whose body calls this (outer) body's yielder. */
    GeneratorBody<Integer> wrongYielder(Function<GeneratorBody<Integer>, Generator<Integer>> factory);
}
