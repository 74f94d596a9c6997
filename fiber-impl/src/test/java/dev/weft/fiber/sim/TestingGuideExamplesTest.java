package dev.weft.fiber.sim;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The examples of {@code docs/testing.md} that run in the default suite (with
 * {@link OverdraftExampleTest}'s, which fails on purpose and is opt-in);
 * {@code DocsShowTheCompiledExamplesTest} checks that the page shows exactly their code.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TestingGuideExamplesTest {

    private final StringBuilder log = new StringBuilder();

    private String work() throws InterruptedException {
        Fiber.sleep(Duration.ofMinutes(5));
        log.append("worked");
        return "done";
    }

    @Test
    void theSchedulerExampleRunsAndReplays() throws Exception {
        // docs:begin scheduler
        DeterministicScheduler.Body test = () -> {                          // runs as the root fiber, named main
            Fiber<?> worker = Fiber.builder().name("worker").start(this::work);  // on the same scheduler
            Fiber.sleep(Duration.ofHours(1));                                // virtual: returns at once
            worker.join();
        };
        DeterministicScheduler s = Schedulers.deterministic(42);             // or (42, Strategy.PCT)
        s.run(test);
        DeterministicScheduler.Trace t = s.trace();   // every decision: step, fiber, runnable count, virtual time
        DeterministicScheduler again = Schedulers.replay(t);
        again.run(test);                              // exactly those decisions again, or a divergence error
        // docs:end
        assertFalse(t.steps().isEmpty());
        assertEquals(t, again.trace());
        assertEquals("workedworked", log.toString());
        assertEquals(Duration.ofHours(1).toNanos(), s.nanoTime());
    }
}
