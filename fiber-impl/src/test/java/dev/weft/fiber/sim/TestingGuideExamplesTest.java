package dev.weft.fiber.sim;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The code blocks of {@code docs/testing.md} marked {@code <!-- example: NAME -->} are the
 * compiled examples between {@code // docs:begin NAME} and {@code // docs:end} here and in
 * {@link OverdraftExampleTest}, not hand-kept copies; this class's example also runs.
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

    @Test
    void testingGuideShowsTheCompiledExamples() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path dir = root.resolve("fiber-impl/src/test/java/dev/weft/fiber/sim");
        Map<String, String> compiled = new LinkedHashMap<>();
        for (String file : List.of("TestingGuideExamplesTest.java", "OverdraftExampleTest.java")) {
            compiled.putAll(examplesIn(Files.readString(dir.resolve(file))));
        }
        Map<String, String> shown = blocksIn(Files.readString(root.resolve("docs/testing.md")));
        assertFalse(compiled.isEmpty(), "no examples found");
        assertEquals(compiled.keySet(), shown.keySet(), "examples in the tests vs. blocks in docs/testing.md");
        for (Map.Entry<String, String> e : compiled.entrySet()) {
            assertEquals(e.getValue(), shown.get(e.getKey()), "docs/testing.md block '" + e.getKey() + "'");
        }
    }

    private static Map<String, String> examplesIn(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^[ \\t]*// docs:begin (\\S+)\\R(.*?)^[ \\t]*// docs:end\\R", Pattern.DOTALL)
                .matcher(source);
        while (m.find()) {
            out.put(m.group(1), dedent(m.group(2)));
        }
        return out;
    }

    private static Map<String, String> blocksIn(String markdown) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<!-- example: (\\S+) -->\\R```java\\R(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return b.toString();
    }
}
