package dev.weft.fiber.test;

import dev.weft.fiber.DeterministicScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A JUnit Jupiter test whose body runs as the root fiber of a deterministic scheduler
 * ({@link dev.weft.fiber.Schedulers#deterministic(long, DeterministicScheduler.Strategy)}), once
 * for each of {@link #seeds()} seeds, stopping at the first seed that fails. The failure
 * ({@link FiberTestFailure}) names the seed and the one line that reruns exactly that seed.
 *
 * <pre>{@code
 * @FiberTest(seeds = 1000, strategy = Strategy.PCT)
 * void transferKeepsTheTotal(DeterministicScheduler scheduler) throws Exception {
 *     Fiber<?> a = Fiber.start(() -> bank.transfer(x, y, 10));  // runs on the same scheduler
 *     Fiber<?> b = Fiber.start(() -> bank.transfer(y, x, 20));
 *     a.join(); b.join();
 *     assertEquals(100, bank.total());
 * }
 * }</pre>
 *
 * <p>The method may declare a {@link DeterministicScheduler} parameter: it receives the scheduler
 * of the current seed (a fresh one for each). Fibers the body starts without a scheduler run on
 * it. Seeds run one after the other on the same test instance, between one {@code @BeforeEach}
 * and one {@code @AfterEach}: keep a run's state in the method's locals, or reset it at its start.
 *
 * <p>Seeds are {@link #firstSeed()}, {@code firstSeed + 1}, ... To rerun one: the system property
 * {@code weft.seed} (for example {@code mvn test -Dtest='MyTest#transfer' -Dweft.seed=417}) runs
 * that seed alone, in every {@code @FiberTest} that runs; or the attribute {@link #seed()}.
 * {@code weft.seeds} overrides {@link #seeds()} (for a longer search in a nightly build), and
 * {@code weft.strategy} overrides {@link #strategy()} (the rerun line then names it too).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(FiberTestExtension.class)
public @interface FiberTest {

    /** The value of {@link #seed()} that means "no single seed". */
    long NO_SEED = Long.MIN_VALUE;

    /**
     * How many seeds to try.
     *
     * @return at least 1; default 100
     */
    int seeds() default 100;

    /**
     * The first seed tried.
     *
     * @return any value; default 0
     */
    long firstSeed() default 0;

    /**
     * Runs only this seed (a failure's rerun); overridden in turn by the system property
     * {@code weft.seed}.
     *
     * @return a seed, or {@link #NO_SEED} (the default) to try {@link #seeds()} of them
     */
    long seed() default NO_SEED;

    /**
     * How the scheduler picks the next fiber.
     *
     * @return the strategy; default {@link DeterministicScheduler.Strategy#UNIFORM}
     */
    DeterministicScheduler.Strategy strategy() default DeterministicScheduler.Strategy.UNIFORM;
}
