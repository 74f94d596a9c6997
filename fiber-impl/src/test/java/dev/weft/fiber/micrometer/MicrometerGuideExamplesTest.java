package dev.weft.fiber.micrometer;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Micrometer example of {@code docs/debugging.md}, compiled and run (see {@code DocsShowTheCompiledExamplesTest}). */
class MicrometerGuideExamplesTest {

    @Test
    void bindingWeftMetrics() throws Exception {
        FiberScheduler workers = Schedulers.workStealing(2);
        try {
            // docs:begin micrometer
            MeterRegistry registry = new SimpleMeterRegistry();          // your application's registry
            WeftMetrics metrics = new WeftMetrics(Tags.of("app", "orders"));
            metrics.bindTo(registry);                                    // every Weft scheduler, and those started later

            Fiber.builder().scheduler(workers).start(() -> 42).join();
            double spawned = registry.get("weft.fibers.spawned")
                    .tag("scheduler", workers.stats().name())             // for example work-stealing-3
                    .functionCounter().count();                          // 1.0
            metrics.close();                                             // removes the meters
            // docs:end micrometer
            assertTrue(spawned >= 1.0, "spawned " + spawned);
        } finally {
            workers.shutdownNow();
        }
    }
}
