package dev.weft.fiber.impl.guide;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code docs/executors.md} shows the compiled examples of {@link ExecutorGuideExamplesTest}, by
 * the rules of {@link GuideExamplesMatchDocsTest}.
 */
class ExecutorGuideMatchesDocsTest {

    @Test
    void executorsGuideShowsTheCompiledExamples() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Map<String, String> compiled = GuideExamplesMatchDocsTest.examplesIn(Files.readString(root.resolve(
                "fiber-impl/src/test/java/dev/weft/fiber/impl/guide/ExecutorGuideExamplesTest.java")));
        Map<String, String> shown = GuideExamplesMatchDocsTest.blocksIn(Files.readString(root.resolve("docs/executors.md")));
        assertFalse(compiled.isEmpty(), "no examples found in the test");
        assertEquals(compiled.keySet(), shown.keySet(), "examples in the test vs. blocks in docs/executors.md");
        for (Map.Entry<String, String> e : compiled.entrySet()) {
            assertEquals(e.getValue(), shown.get(e.getKey()), "docs/executors.md block '" + e.getKey() + "'");
        }
    }
}
