package dev.weft.bench.generator;

import dev.weft.bench.generator.workload.SpawnTrees;
import dev.weft.bench.generator.workload.TokenRings;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The workloads of the stackful-against-stackless scheduling benchmarks, run once each at small
 * sizes outside JMH on both backends, with their results checked (no timing).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulingWorkloadsTest {

    private static FiberScheduler open(String scheduler) {
        return scheduler.equals("fifo2") ? Schedulers.fifo(2) : Schedulers.workStealing(1);
    }

    @ParameterizedTest(name = "{0}, depth {1}, {2}")
    @CsvSource({"stackful,1,workStealing1", "stackful,100,workStealing1", "stackless,1,workStealing1",
            "stackless,100,workStealing1", "stackful,3,fifo2", "stackless,3,fifo2"})
    void ringOf100MakesEveryHop(String backend, int depth, String scheduler) throws Exception {
        try (FiberScheduler carriers = open(scheduler)) {
            TokenRings ring = backend.equals("stackful") ? TokenRings.stackful(100, depth, carriers)
                    : TokenRings.stackless(100, depth, carriers);
            ring.start();
            assertEquals(1_000, ring.pass(1_000));
            assertEquals(250, ring.pass(250), "a second pass on the same ring");
            ring.stop();
        }
    }

    @ParameterizedTest(name = "{0}, depth {1}, {2}")
    @CsvSource({"stackful,1,workStealing1", "stackful,100,workStealing1", "stackless,1,workStealing1",
            "stackless,100,workStealing1", "stackful,3,fifo2", "stackless,3,fifo2"})
    void spawnJoinJoinsEveryChild(String backend, int depth, String scheduler) throws Exception {
        try (FiberScheduler carriers = open(scheduler)) {
            int joined = backend.equals("stackful") ? SpawnTrees.stackfulSpawnJoin(carriers, depth, 1_000)
                    : SpawnTrees.stacklessSpawnJoin(carriers, depth, 1_000);
            assertEquals(1_000, joined);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"stackful,workStealing1", "stackless,workStealing1", "stackful,fifo2", "stackless,fifo2"})
    void skynetOf10000LeavesSumsTheirIndices(String backend, String scheduler) throws Exception {
        int n = 10_000;
        try (FiberScheduler carriers = open(scheduler)) {
            long sum = backend.equals("stackful") ? SpawnTrees.stackfulSkynet(carriers, n)
                    : SpawnTrees.stacklessSkynet(carriers, n);
            assertEquals((long) n * (n - 1) / 2, sum);
        }
    }
}
