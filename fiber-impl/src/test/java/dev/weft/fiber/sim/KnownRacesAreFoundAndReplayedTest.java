package dev.weft.fiber.sim;

import dev.weft.fiber.DeadlockException;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.DeterministicScheduler.Strategy;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.test.Explorer;
import dev.weft.fiber.test.FiberTestFailure;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each known race is found by each strategy within a bounded number of seeds, and the failing
 * seed, run again, makes the same decisions (the full trace compared) and fails the same way;
 * so does a replay of the recorded trace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KnownRacesAreFoundAndReplayedTest {

    /** Generous: the strategy comparison (docs/testing.md) needs far fewer on average. */
    private static final int SEED_BOUND = 500;

    static List<Arguments> racesAndStrategies() {
        List<Arguments> cases = new ArrayList<>();
        for (KnownRaces.Race race : KnownRaces.all()) {
            for (Strategy s : Strategy.values()) {
                cases.add(Arguments.of(race, s));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("racesAndStrategies")
    void theRaceIsFoundAndItsSeedReplaysIdentically(KnownRaces.Race race, Strategy strategy) throws Exception {
        Explorer.Result found = Explorer.explore(strategy, 0, SEED_BOUND, race.body());
        FiberTestFailure failure = found.failure();
        assertNotNull(failure, race + " not found in " + SEED_BOUND + " seeds under " + strategy);
        assertTrue(failure.getMessage().contains("seed " + failure.seed()), failure.getMessage());

        // The reported seed again: the same decisions, the same failure.
        DeterministicScheduler again = Schedulers.deterministic(failure.seed(), strategy);
        Throwable second = failureOf(again, race);
        assertNotNull(second, "seed " + failure.seed() + " passed when run again");
        assertEquals(failure.getCause().getClass(), second.getClass());
        assertEquals(failure.trace(), again.trace(), "the rerun of the seed made other decisions");

        // A replay of the recorded trace: the same again.
        DeterministicScheduler replay = Schedulers.replay(failure.trace());
        Throwable third = failureOf(replay, race);
        assertNotNull(third, "the replay of seed " + failure.seed() + " passed");
        assertEquals(failure.getCause().getClass(), third.getClass());
        assertEquals(failure.trace(), replay.trace(), "the replay made other decisions");
        assertFalse(failure.trace().steps().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadlockingRaces")
    void aDeadlockingRaceEndsWithADeadlockException(KnownRaces.Race race) {
        FiberTestFailure failure = Explorer.explore(Strategy.UNIFORM, 0, SEED_BOUND, race.body()).failure();
        assertNotNull(failure);
        DeadlockException d = assertInstanceOf(DeadlockException.class, failure.getCause());
        assertTrue(d.dump().contains("PARKED"), d.dump());
    }

    static List<KnownRaces.Race> deadlockingRaces() {
        return KnownRaces.all().stream()
                .filter(r -> r.name().equals("lost wake-up") || r.name().equals("channel deadlock")).toList();
    }

    @org.junit.jupiter.api.Test
    void pctFindsTheOvertakeThatUniformChoiceMisses() throws Exception {
        KnownRaces.Race race = new KnownRaces.Race("long fiber overtakes", KnownRaces::longFiberOvertakes);
        assertEquals(null, Explorer.explore(Strategy.UNIFORM, 0, 300, race.body()).failure(),
                "uniform choice found it: the race no longer shows what it is for");
        FiberTestFailure failure = Explorer.explore(Strategy.PCT, 0, 50, race.body()).failure();
        assertNotNull(failure, "PCT did not find the overtake in 50 seeds");
        DeterministicScheduler replay = Schedulers.replay(failure.trace());
        assertNotNull(failureOf(replay, race));
        assertEquals(failure.trace(), replay.trace());
    }

    private static Throwable failureOf(DeterministicScheduler s, KnownRaces.Race race) {
        try {
            s.run(() -> race.body().run(s));
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
