package dev.weft.fiber.impl.guide;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every image and every relative link in {@code docs/*.md} and the READMEs points at a file of the
 * repository. (A report run clears {@code docs/plots/} before drawing its plots, which once took
 * a picture that debugging.md showed with it.)
 */
class DocsLinkOnlyToFilesThatExistTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        pages.add(root.resolve("README.md"));
        pages.add(root.resolve("fiber-bench/README.md"));
        assertTrue(pages.size() > 5, "found the docs: " + pages);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.contains("://") || target.startsWith("mailto:")) {
                    continue;
                }
                checked++;
                if (!Files.exists(page.getParent().resolve(target).normalize())) {
                    broken.add(root.relativize(page) + " -> " + target);
                }
            }
        }
        assertTrue(checked > 20, "links checked: " + checked);
        assertEquals(List.of(), broken, "links to files that do not exist");
    }
}
