package dev.weft.fiber.micrometer;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link WeftMetrics} registers meters for the schedulers running when it is bound and for those
 * started later, counts a known workload, removes a scheduler's meters when it terminates, and
 * does not keep a terminated scheduler alive.
 */
@Timeout(60)
class MetricsFollowEverySchedulerTest {
    private static final int FIBERS = 1_000;

    @Test
    void spawnedCompletedAndLiveFollowAWorkloadOnSchedulersStartedBeforeAndAfterBinding() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        FiberScheduler before = Schedulers.workStealing(2);
        try (WeftMetrics metrics = new WeftMetrics(Tags.of("app", "test"))) {
            metrics.bindTo(registry);
            FiberScheduler after = Schedulers.fifo(2);
            try {
                for (FiberScheduler s : List.of(before, after)) {
                    String name = s.stats().name();
                    double spawned0 = counter(registry, "weft.fibers.spawned", name);
                    double live0 = gauge(registry, "weft.fibers.live", name);
                    runWorkload(s);
                    assertTrue(counter(registry, "weft.fibers.spawned", name) >= spawned0 + FIBERS, name);
                    // A join returns once the fiber has terminated, a moment before its scheduler counts it.
                    Await.until(name + ": completed reaches " + FIBERS,
                            () -> counter(registry, "weft.fibers.completed", name) >= FIBERS);
                    Await.until(name + ": live is back to its baseline " + live0,
                            () -> gauge(registry, "weft.fibers.live", name) == live0);
                    assertTrue(counter(registry, "weft.scheduler.tasks.run", name) > 0, name);
                    assertEquals(2.0, gauge(registry, "weft.scheduler.parallelism", name), name);
                    double u = gauge(registry, "weft.scheduler.utilization", name);
                    assertTrue(u >= 0 && u <= 1, name + " utilization " + u);
                    assertEquals("test", registry.get("weft.fibers.spawned").tag("scheduler", name).functionCounter().getId().getTag("app"));
                }
                String defaultName = Schedulers.defaultScheduler().stats().name();
                assertNotNull(registry.find("weft.fibers.live").tag("scheduler", defaultName).gauge(),
                        "the default scheduler has meters too");
            } finally {
                after.shutdown();
                assertTrue(after.awaitTermination(Await.HANG));
            }
            String afterName = after.stats().name();
            Await.until("the meters of the terminated scheduler are removed",
                    () -> registry.find("weft.fibers.spawned").tag("scheduler", afterName).functionCounter() == null);
        } finally {
            before.shutdownNow();
        }
        String beforeName = before.stats().name();
        assertNull(registry.find("weft.fibers.spawned").tag("scheduler", beforeName).functionCounter(),
                "close() removes the meters");
    }

    @Test
    void aBoundRegistryDoesNotKeepATerminatedSchedulerAlive() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (WeftMetrics metrics = new WeftMetrics()) {
            metrics.bindTo(registry);
            WeakReference<FiberScheduler> ref = startRunAndShutDown();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ref.get() != null) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the terminated scheduler is still reachable");
                }
                System.gc();
                Thread.sleep(20);
            }
        }
    }

    private static WeakReference<FiberScheduler> startRunAndShutDown() throws Exception {
        FiberScheduler s = Schedulers.workStealing(1);
        Fiber.builder().scheduler(s).start(() -> 42).join();
        s.shutdown();
        assertTrue(s.awaitTermination(Await.HANG));
        return new WeakReference<>(s);
    }

    private static void runWorkload(FiberScheduler s) throws Exception {
        List<Fiber<Integer>> fibers = new ArrayList<>();
        for (int i = 0; i < FIBERS; i++) {
            int n = i;
            fibers.add(Fiber.builder().scheduler(s).start(() -> {
                Fiber.yield();
                return n;
            }));
        }
        Await.joinedAll(fibers);
    }

    private static double counter(MeterRegistry r, String name, String scheduler) {
        return r.get(name).tag("scheduler", scheduler).functionCounter().count();
    }

    private static double gauge(MeterRegistry r, String name, String scheduler) {
        return r.get(name).tag("scheduler", scheduler).gauge().value();
    }

}
