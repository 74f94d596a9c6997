package dev.weft.fiber.sim;

import dev.weft.fiber.DeterministicScheduler.Strategy;
import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same seed gives the same trace (every decision, with fiber names and virtual times) and the
 * same results: run after run in one JVM, and in another JVM, whose fibers get other JVM-wide ids
 * and whose objects other identity hash codes. Different seeds explore different interleavings.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SameSeedSameTraceTest {

    @Test
    void aSeedRepeatsItsTraceInThisJvm() throws Exception {
        for (Strategy strategy : Strategy.values()) {
            for (long seed = 0; seed < 20; seed++) {
                String first = MixedWorkload.run(seed, strategy);
                assertEquals(first, MixedWorkload.run(seed, strategy), "seed " + seed + " under " + strategy);
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentInterleavings() throws Exception {
        Set<String> traces = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            traces.add(MixedWorkload.run(seed, Strategy.UNIFORM));
        }
        assertEquals(20, traces.size(), "20 seeds gave only " + traces.size() + " different traces");
    }

    @Test
    void aSeedRepeatsItsTraceInAnotherJvm() throws Exception {
        for (Strategy strategy : Strategy.values()) {
            long seed = 1234;
            MixedWorkload.run(seed + 1, strategy); // this JVM: other fibers, ids and hash codes before it
            String here = MixedWorkload.run(seed, strategy);
            ChildJvm.Result child = ChildJvm.run(List.of(), MixedWorkload.class, Long.toString(seed), strategy.name());
            assertEquals(0, child.exitCode(), child.output());
            String out = child.output();
            int begin = out.indexOf("TRACE-BEGIN\n");
            int end = out.indexOf("\nTRACE-END");
            assertTrue(begin >= 0 && end > begin, out);
            assertEquals(here, out.substring(begin + "TRACE-BEGIN\n".length(), end), "seed " + seed + " under " + strategy);
        }
    }
}
