package dev.weft.fiber.sim;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.test.FiberTest;
import dev.weft.fiber.test.FiberTestExtension;
import dev.weft.fiber.test.FiberTestFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * {@link FiberTest} runs a test under its seeds, each on a fresh deterministic scheduler, stops at
 * the first failing seed, and reports it with a one-line rerun; the system property
 * {@code weft.seed} and the attribute {@code seed} run exactly one seed, which fails the same way.
 * The sample classes below are run through the JUnit Platform launcher (surefire does not pick up
 * nested classes).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FiberTestExtensionTest {

    /** The seeds the samples' bodies ran with, in order; reset before each launch. */
    static final List<Long> SEEDS_RUN = new ArrayList<>();

    static class RacySample {
        @FiberTest(seeds = 300)
        void lostUpdate(DeterministicScheduler scheduler) throws Exception {
            SEEDS_RUN.add(scheduler.seed());
            KnownRaces.counterAcrossYield(scheduler);
        }
    }

    static class CorrectSample {
        @FiberTest(seeds = 40, firstSeed = 1000, strategy = DeterministicScheduler.Strategy.PCT)
        void lockedUpdate(DeterministicScheduler scheduler) throws Exception {
            assertTrue(Fiber.current().scheduler() == scheduler, "the body runs in the root fiber of the seed's scheduler");
            SEEDS_RUN.add(scheduler.seed());
            FiberLock lock = new FiberLock();
            int[] counter = {0};
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fibers.add(Fiber.start(() -> {
                    lock.lock();
                    try {
                        int seen = counter[0];
                        Fiber.yield();
                        counter[0] = seen + 1;
                    } finally {
                        lock.unlock();
                    }
                }));
            }
            for (Fiber<?> f : fibers) {
                assertTrue(f.scheduler() == scheduler, "a fiber started in the body runs on the same scheduler");
                f.join();
            }
            assertEquals(3, counter[0]);
        }
    }

    static class OneSeedSample {
        @FiberTest(seed = 77, seeds = 1000)
        void onlySeventySeven(DeterministicScheduler scheduler) {
            SEEDS_RUN.add(scheduler.seed());
        }
    }

    @Test
    void aRaceFailsAtItsFirstFailingSeedWithTheSeedAndARerunLine() {
        TestExecutionSummary summary = launch(RacySample.class);
        assertEquals(1, summary.getTotalFailureCount());
        FiberTestFailure failure = assertInstanceOf(FiberTestFailure.class, summary.getFailures().get(0).getException());
        long seed = failure.seed();
        assertEquals(seed, SEEDS_RUN.get(SEEDS_RUN.size() - 1), "stopped at the failing seed");
        assertEquals(failure.runs(), SEEDS_RUN.size());
        assertTrue(failure.getMessage().contains("RacySample#lostUpdate failed under seed " + seed + " (UNIFORM"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Rerun exactly this seed: mvn test -Dtest='RacySample#lostUpdate' -Dweft.seed=" + seed),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("#2 inc-1") || failure.getMessage().contains("#3 inc-2"), failure.getMessage());

        // The rerun line's property: exactly that seed, once, failing the same way with the same trace.
        System.setProperty(FiberTestExtension.SEED_PROPERTY, Long.toString(seed));
        try {
            TestExecutionSummary rerun = launch(RacySample.class);
            assertEquals(List.of(seed), SEEDS_RUN);
            FiberTestFailure again = assertInstanceOf(FiberTestFailure.class, rerun.getFailures().get(0).getException());
            assertEquals(seed, again.seed());
            assertEquals(1, again.runs());
            assertEquals(failure.trace(), again.trace());
            assertEquals(failure.getCause().getMessage(), again.getCause().getMessage());
        } finally {
            System.clearProperty(FiberTestExtension.SEED_PROPERTY);
        }
    }

    @Test
    void aCorrectTestRunsEverySeedOnItsOwnScheduler() {
        TestExecutionSummary summary = launch(CorrectSample.class);
        assertEquals(0, summary.getTotalFailureCount(), () -> String.valueOf(summary.getFailures()));
        assertEquals(1, summary.getTestsSucceededCount());
        List<Long> expected = new ArrayList<>();
        for (long s = 1000; s < 1040; s++) {
            expected.add(s);
        }
        assertEquals(expected, SEEDS_RUN);
    }

    @Test
    void theStrategyPropertyOverridesTheAttributeAndAppearsInTheRerunLine() {
        System.setProperty(FiberTestExtension.STRATEGY_PROPERTY, "pct");
        try {
            TestExecutionSummary summary = launch(RacySample.class);
            FiberTestFailure failure = assertInstanceOf(FiberTestFailure.class, summary.getFailures().get(0).getException());
            assertEquals(DeterministicScheduler.Strategy.PCT, failure.strategy());
            assertTrue(failure.getMessage().contains("-Dweft.seed=" + failure.seed() + " -Dweft.strategy=PCT"),
                    failure.getMessage());
        } finally {
            System.clearProperty(FiberTestExtension.STRATEGY_PROPERTY);
        }
    }

    @Test
    void theSeedAttributeRunsThatSeedAlone() {
        TestExecutionSummary summary = launch(OneSeedSample.class);
        assertEquals(0, summary.getTotalFailureCount());
        assertEquals(List.of(77L), SEEDS_RUN);
    }

    private static TestExecutionSummary launch(Class<?> sample) {
        SEEDS_RUN.clear();
        LauncherDiscoveryRequest request = request().selectors(selectClass(sample)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }
}
