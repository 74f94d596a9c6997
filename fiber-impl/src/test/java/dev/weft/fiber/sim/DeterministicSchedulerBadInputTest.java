package dev.weft.fiber.sim;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.DeterministicScheduler.Step;
import dev.weft.fiber.DeterministicScheduler.Strategy;
import dev.weft.fiber.DeterministicScheduler.Trace;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.test.Explorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and misuse of the deterministic scheduler get a clear exception naming the problem. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeterministicSchedulerBadInputTest {

    @Test
    void nullArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> Schedulers.deterministic(1, null));
        assertThrows(NullPointerException.class, () -> Schedulers.replay(null));
        assertThrows(NullPointerException.class, () -> Schedulers.deterministic(1).run(null));
        assertThrows(NullPointerException.class, () -> Explorer.explore(Strategy.UNIFORM, 0, 1, null));
        assertThrows(IllegalArgumentException.class, () -> Explorer.explore(Strategy.UNIFORM, 0, 0, s -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Step(-1, "#1", 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Step(0, "#1", 0, 0));
    }

    @Test
    void aSchedulerRunsOnceAndRejectsWorkAfterItsRun() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(1);
        s.run(() -> { });
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> s.run(() -> { }));
        assertTrue(twice.getMessage().contains("has already run"), twice.getMessage());
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
        assertTrue(s.isShutdown());
        assertTrue(s.isTerminated());
        assertTrue(s.awaitTermination(Duration.ZERO));
    }

    @Test
    void runFromOneOfItsOwnFibersIsRefused() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(2);
        List<Throwable> seen = new ArrayList<>();
        s.run(() -> {
            try {
                s.run(() -> { });
            } catch (IllegalStateException e) {
                seen.add(e);
            }
        });
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).getMessage().contains("a fiber of"), seen.get(0).getMessage());
    }

    @Test
    void aReplayOfAnotherProgramStopsAtTheFirstStepThatDiffers() throws Exception {
        DeterministicScheduler original = Schedulers.deterministic(3);
        original.run(() -> Fiber.builder().name("x").start((Runnable) Fiber::yield).join());
        Trace trace = original.trace();
        DeterministicScheduler replay = Schedulers.replay(trace);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> replay.run(() -> Fiber.builder().name("y").start((Runnable) Fiber::yield).join()));
        assertTrue(e.getMessage().startsWith("replay diverged at step "), e.getMessage());
        assertTrue(e.getMessage().contains("#2 x"), e.getMessage());
    }

    @Test
    void aReplayWhoseVirtualTimeDiffersStopsThere() throws Exception {
        DeterministicScheduler original = Schedulers.deterministic(3);
        original.run(() -> Fiber.sleep(Duration.ofMinutes(1)));
        DeterministicScheduler replay = Schedulers.replay(original.trace());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> replay.run(() -> Fiber.sleep(Duration.ofMinutes(2))));
        assertTrue(e.getMessage().contains("at virtual time 60000000000 ns, but this run is at 120000000000 ns"), e.getMessage());
    }

    @Test
    void theScheduleOfASeedIsNamedInToStringAndTheTrace() throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(42, Strategy.PCT);
        assertEquals("DeterministicScheduler[seed=42, PCT]", s.toString());
        s.run(Fiber::yield);
        assertEquals(42, s.trace().seed());
        assertEquals(Strategy.PCT, s.trace().strategy());
        assertTrue(s.trace().toString().startsWith("Trace[seed=42, PCT, "), s.trace().toString());
        assertTrue(s.clock().toString().contains("seed=42"));
    }
}
