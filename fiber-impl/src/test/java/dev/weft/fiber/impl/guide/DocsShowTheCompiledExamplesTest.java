package dev.weft.fiber.impl.guide;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every page of {@code docs/} with code samples shows compiled examples, not a hand-kept copy:
 * each block the page marks {@code <!-- example: NAME -->} must be exactly the code between
 * {@code // docs:begin NAME} and {@code // docs:end} (optionally followed by the name) in the
 * page's example tests (re-indented), and every example of those tests must appear on the page.
 * The tests are read as text, so a page's examples may live in another module's tests (io.md's
 * in fiber-bench, which can run its servers); this is the one place the rule is written.
 */
class DocsShowTheCompiledExamplesTest {

    static Stream<Arguments> pages() {
        return Stream.of(
                Arguments.of("docs/debugging.md", List.of("fiber-impl/src/test/java/dev/weft/fiber/micrometer/MicrometerGuideExamplesTest.java")),
                Arguments.of("docs/channels.md", List.of("fiber-impl/src/test/java/dev/weft/fiber/impl/guide/ChannelGuideExamplesTest.java")),
                Arguments.of("docs/executors.md", List.of("fiber-impl/src/test/java/dev/weft/fiber/impl/guide/ExecutorGuideExamplesTest.java")),
                Arguments.of("docs/io.md", List.of("fiber-bench/src/test/java/dev/weft/bench/io/IoGuideExamplesTest.java")),
                Arguments.of("docs/testing.md", List.of("fiber-impl/src/test/java/dev/weft/fiber/sim/TestingGuideExamplesTest.java",
                        "fiber-impl/src/test/java/dev/weft/fiber/sim/OverdraftExampleTest.java")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void thePageShowsTheCompiledExamples(String page, List<String> sources) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Map<String, String> compiled = new LinkedHashMap<>();
        for (String source : sources) {
            for (Map.Entry<String, String> e : examplesIn(Files.readString(root.resolve(source))).entrySet()) {
                assertTrue(compiled.put(e.getKey(), e.getValue()) == null, "example " + e.getKey() + " in two tests of " + page);
            }
        }
        Map<String, String> shown = blocksIn(Files.readString(root.resolve(page)));
        assertFalse(compiled.isEmpty(), "no examples found in " + sources);
        assertEquals(compiled.keySet(), shown.keySet(), "examples in " + sources + " vs. blocks in " + page);
        for (Map.Entry<String, String> e : compiled.entrySet()) {
            assertEquals(e.getValue(), shown.get(e.getKey()), page + " block '" + e.getKey() + "'");
        }
    }

    /** The examples of a test's source, by name, re-indented. */
    static Map<String, String> examplesIn(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^[ \\t]*// docs:begin (\\S+)\\R(.*?)^[ \\t]*// docs:end(?: \\1)?[ \\t]*\\R", Pattern.DOTALL)
                .matcher(source);
        while (m.find()) {
            assertTrue(out.put(m.group(1), dedent(m.group(2))) == null, "example " + m.group(1) + " twice");
        }
        return out;
    }

    /** The marked Java blocks of a page, by name. */
    static Map<String, String> blocksIn(String markdown) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<!-- example: (\\S+) -->\\R```java\\R(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            assertTrue(out.put(m.group(1), m.group(2)) == null, "block " + m.group(1) + " twice");
        }
        return out;
    }

    static String dedent(String block) {
        List<String> lines = block.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return sb.toString();
    }
}
