package dev.weft.bench.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/io.md} shows the compiled examples of {@link IoGuideExamplesTest}, not a hand-kept
 * copy: every block the document marks {@code <!-- example: NAME -->} must be exactly the code
 * between {@code // docs:begin NAME} and {@code // docs:end NAME} in the test (re-indented), and
 * every example in the test must appear in the document.
 */
class IoGuideMatchesDocsTest {

    @Test
    void ioGuideShowsTheCompiledExamples() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Map<String, String> compiled = examplesIn(Files.readString(root.resolve(
                "fiber-bench/src/test/java/dev/weft/bench/io/IoGuideExamplesTest.java")));
        Map<String, String> shown = blocksIn(Files.readString(root.resolve("docs/io.md")));
        assertFalse(compiled.isEmpty(), "no examples found in the test");
        assertEquals(compiled.keySet(), shown.keySet(), "examples in the test vs. blocks in docs/io.md");
        for (Map.Entry<String, String> e : compiled.entrySet()) {
            assertEquals(e.getValue(), shown.get(e.getKey()), "docs/io.md block '" + e.getKey() + "'");
        }
    }

    static Map<String, String> examplesIn(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^[ \\t]*// docs:begin (\\S+)\\R(.*?)^[ \\t]*// docs:end \\1\\R", Pattern.DOTALL).matcher(source);
        while (m.find()) {
            assertTrue(out.put(m.group(1), dedent(m.group(2))) == null, "example " + m.group(1) + " twice");
        }
        return out;
    }

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
