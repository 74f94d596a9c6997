package dev.weft.fiber.impl.diag;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON dump validates against the required fields and types of the JDK's
 * {@code threadDump.schema.json}, and its objects use the JDK's own field names with the JDK's
 * types: checked against a real JDK dump of this JVM ({@code HotSpotDiagnosticMXBean.dumpThreads},
 * what {@code jcmd Thread.dump_to_file -format=json} writes).
 */
@Timeout(60)
class JsonDumpHasTheJdkThreadDumpShapeTest {

    /** Required by the schema, and the JSON type of each. */
    private static final Map<String, Class<?>> DUMP_REQUIRED = Map.of(
            "processId", String.class, "time", String.class, "runtimeVersion", String.class, "threadContainers", List.class);
    private static final Set<String> CONTAINER_REQUIRED = Set.of("container", "parent", "owner", "threads");
    private static final Map<String, Class<?>> THREAD_REQUIRED = Map.of(
            "tid", String.class, "time", String.class, "name", String.class, "state", String.class, "stack", List.class);
    private static final Set<String> THREAD_STATES = Set.of("NEW", "RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "TERMINATED");

    @Test
    void theJsonDumpHasTheSchemasRequiredFieldsAndTheJdksTypes(@TempDir Path dir) throws Exception {
        FiberScheduler a = Schedulers.workStealing(1);
        FiberScheduler b = Schedulers.fifo(1);
        FiberCountDownLatch latch = new FiberCountDownLatch(1);
        try {
            List<Fiber<?>> fibers = new ArrayList<>();
            for (FiberScheduler s : List.of(a, b)) {
                fibers.add(Fiber.builder().name("quote\"and\\back\nslash").scheduler(s).start(() -> {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                fibers.add(Fiber.builder().name("sleeper").scheduler(s).start(() -> {
                    try {
                        Fiber.sleep(Duration.ofHours(1));
                    } catch (InterruptedException ignored) {
                        // cancelled at the end
                    }
                }));
            }
            for (Fiber<?> f : fibers) {
                Await.state(f, Fiber.State.PARKED);
            }
            Path file = dir.resolve("fibers.json");
            FiberDump.take().writeTo(file, FiberDump.Format.JSON);
            Map<?, ?> dump = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(Files.readString(file))).get("threadDump");
            checkRequired(dump, DUMP_REQUIRED, "threadDump");
            Instant.parse((String) dump.get("time"));
            List<?> containers = (List<?>) dump.get("threadContainers");
            int fibersSeen = 0;
            boolean sawA = false;
            boolean sawB = false;
            for (Object c : containers) {
                Map<?, ?> container = assertInstanceOf(Map.class, c);
                for (String k : CONTAINER_REQUIRED) {
                    assertTrue(container.containsKey(k), "container lacks " + k + ": " + container.keySet());
                }
                assertInstanceOf(String.class, container.get("container"));
                assertTrue(container.get("parent") == MiniJson.NULL || container.get("parent") instanceof String);
                String name = (String) container.get("container");
                sawA |= name.equals("weft/" + a.stats().name());
                sawB |= name.equals("weft/" + b.stats().name());
                List<?> threads = (List<?>) container.get("threads");
                assertEquals(String.valueOf(threads.size()), container.get("threadCount"));
                for (Object t : threads) {
                    Map<?, ?> thread = assertInstanceOf(Map.class, t);
                    checkRequired(thread, THREAD_REQUIRED, "thread");
                    assertTrue(THREAD_STATES.contains(thread.get("state")), "a Thread.State: " + thread.get("state"));
                    for (Object frame : (List<?>) thread.get("stack")) {
                        assertInstanceOf(String.class, frame);
                    }
                    if (thread.containsKey("parkBlocker")) {
                        assertInstanceOf(String.class, ((Map<?, ?>) thread.get("parkBlocker")).get("object"));
                    }
                    fibersSeen++;
                }
            }
            assertTrue(sawA && sawB, "one container per scheduler: " + containers);
            assertTrue(fibersSeen >= 4, "the parked fibers are listed: " + fibersSeen);
            String json = Files.readString(file);
            assertTrue(json.contains("quote\\\"and\\\\back\\nslash"), "names are escaped");
            assertTrue(json.contains("\"state\": \"TIMED_WAITING\"") || json.contains("\"state\": \"WAITING\""), json);

            // The JDK's own dump of this JVM: every field Weft shares with it has the JDK's type.
            Path jdkFile = dir.resolve("jdk.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(jdkFile.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Map<?, ?> jdk = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(Files.readString(jdkFile))).get("threadDump");
            assertEquals(jdk.keySet(), dump.keySet(), "the same top-level fields as the JDK's dump");
            Map<?, ?> jdkContainer = (Map<?, ?>) ((List<?>) jdk.get("threadContainers")).get(0);
            // The container of scheduler a, which has fibers: the dump lists every Weft scheduler
            // of the JVM, also ones that other tests left behind with none.
            Map<?, ?> weftContainer = (Map<?, ?>) containers.stream()
                    .filter(c -> ("weft/" + a.stats().name()).equals(((Map<?, ?>) c).get("container")))
                    .findFirst().orElseThrow();
            Set<Object> weftContainerKeys = new java.util.HashSet<>(weftContainer.keySet());
            weftContainerKeys.remove("schedulerStats"); // Weft's addition
            assertEquals(jdkContainer.keySet(), weftContainerKeys, "the same container fields as the JDK's dump");
            Map<?, ?> jdkThread = (Map<?, ?>) ((List<?>) jdkContainer.get("threads")).get(0);
            Map<?, ?> weftThread = (Map<?, ?>) ((List<?>) weftContainer.get("threads")).get(0);
            for (Object k : jdkThread.keySet()) {
                if (weftThread.containsKey(k)) {
                    assertEquals(jdkThread.get(k).getClass(), weftThread.get(k).getClass(), "the JDK's type for " + k);
                }
            }
        } finally {
            latch.countDown();
            a.shutdownNow();
            b.shutdownNow();
            a.awaitTermination(Await.HANG);
            b.awaitTermination(Await.HANG);
        }
    }

    private static void checkRequired(Map<?, ?> object, Map<String, Class<?>> required, String what) {
        for (Map.Entry<String, Class<?>> e : required.entrySet()) {
            assertTrue(object.containsKey(e.getKey()), what + " lacks the required " + e.getKey() + ": " + object.keySet());
            assertInstanceOf(e.getValue(), object.get(e.getKey()), what + "." + e.getKey());
        }
    }
}
