package dev.weft.fiber.impl.stackless;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transformed output is checked twice: by ASM's {@link CheckClassAdapter} (a data-flow verifier)
 * and by the JVM, which verifies every class it loads; each transformed class is loaded and
 * initialized.
 */
class TransformedClassesVerifyTest {

    /** Packages of test classes the transformer must accept. */
    private static final List<String> PACKAGES = List.of(
            "dev/weft/fiber/impl/stackless/samples", "dev/weft/fiber/impl/gen/bodies");

    @Test
    void everyTransformedClassPassesTheAsmVerifierAndLoads() throws Exception {
        ClassLoader parent = getClass().getClassLoader();
        SuspendableTransformer transformer = SuspendableTransformer.forClassLoader(parent);
        TransformingClassLoader loader = TransformingClassLoader.forPackages(parent,
                "dev.weft.fiber.impl.stackless.samples", "dev.weft.fiber.impl.gen.bodies");
        int rewritten = 0;
        List<String> names = classNames();
        for (String name : names) {
            byte[] original = TransformerRefusalTest.classBytes(name);
            byte[] transformed = transformer.transform(original);
            if (transformed != original) {
                rewritten++;
                List<String> problems = verify(transformed, loader);
                assertTrue(problems.isEmpty(), name + ":\n" + String.join("\n", problems));
            }
            Class<?> c = Class.forName(name.replace('/', '.'), true, loader);
            assertSame(loader, c.getClassLoader());
            assertTrue(c.isAnnotationPresent(Transformed.class) || transformed == original, name);
        }
        assertTrue(rewritten >= 5, "expected most sample classes to be rewritten, got " + rewritten + " of " + names.size());
    }

    @Test
    void transformingTwiceChangesNothing() throws IOException {
        SuspendableTransformer transformer = SuspendableTransformer.forClassLoader(getClass().getClassLoader());
        byte[] original = TransformerRefusalTest.classBytes("dev/weft/fiber/impl/stackless/samples/Samples");
        byte[] once = transformer.transform(original);
        assertNotSame(original, once);
        byte[] twice = transformer.transform(once);
        assertSame(once, twice);
    }

    @Test
    void classWithoutSuspendableCodeIsReturnedUnchanged() throws IOException {
        SuspendableTransformer transformer = SuspendableTransformer.forClassLoader(getClass().getClassLoader());
        byte[] original = TransformerRefusalTest.classBytes("dev/weft/fiber/impl/stackless/TransformedClassesVerifyTest");
        assertSame(original, transformer.transform(original));
    }

    @Test
    void classDirectoryTransformerRewritesInPlaceAndIsIdempotent(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path target = dir.resolve("dev/weft/fiber/impl/stackless/samples");
        Files.createDirectories(target);
        byte[] original = TransformerRefusalTest.classBytes("dev/weft/fiber/impl/stackless/samples/Samples");
        Files.write(target.resolve("Samples.class"), original);
        ClassDirectoryTransformer.Summary first = ClassDirectoryTransformer.transformDirectory(dir, java.util.List.of());
        assertEquals(new ClassDirectoryTransformer.Summary(1, 1), first);
        byte[] rewritten = Files.readAllBytes(target.resolve("Samples.class"));
        assertTrue(verify(rewritten, getClass().getClassLoader()).isEmpty());
        ClassDirectoryTransformer.Summary second = ClassDirectoryTransformer.transformDirectory(dir, java.util.List.of());
        assertEquals(new ClassDirectoryTransformer.Summary(1, 0), second);
        assertArrayEquals(rewritten, Files.readAllBytes(target.resolve("Samples.class")));
    }

    @Test
    void classDirectoryTransformerOnlyTouchesTheChosenPackages(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path samples = dir.resolve("dev/weft/fiber/impl/stackless/samples");
        Path refused = dir.resolve("dev/weft/fiber/impl/stackless/refused");
        Files.createDirectories(samples);
        Files.createDirectories(refused);
        Files.write(samples.resolve("Samples.class"),
                TransformerRefusalTest.classBytes("dev/weft/fiber/impl/stackless/samples/Samples"));
        byte[] notMarked = TransformerRefusalTest.classBytes("dev/weft/fiber/impl/stackless/refused/NotMarked");
        Files.write(refused.resolve("NotMarked.class"), notMarked);
        ClassDirectoryTransformer.Summary s = ClassDirectoryTransformer.transformDirectory(dir,
                List.of("dev/weft/fiber/impl/stackless/samples/"));
        assertEquals(new ClassDirectoryTransformer.Summary(1, 1), s);
        assertArrayEquals(notMarked, Files.readAllBytes(refused.resolve("NotMarked.class")));
    }

    @Test
    void classDirectoryTransformerRefusesAndWritesNothing(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path target = dir.resolve("dev/weft/fiber/impl/stackless/refused");
        Files.createDirectories(target);
        byte[] refused = TransformerRefusalTest.classBytes("dev/weft/fiber/impl/stackless/refused/NotMarked");
        Files.write(target.resolve("NotMarked.class"), refused);
        TransformRefusedException e = org.junit.jupiter.api.Assertions.assertThrows(TransformRefusedException.class,
                () -> ClassDirectoryTransformer.transformDirectory(dir, java.util.List.of()));
        assertTrue(e.getMessage().contains("NotMarked.run"), e.getMessage());
        assertArrayEquals(refused, Files.readAllBytes(target.resolve("NotMarked.class")));
    }

    /** Problems ASM's verifier finds in a class file (empty if none). */
    static List<String> verify(byte[] classFile, ClassLoader loader) {
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(classFile), loader, false, new PrintWriter(out));
        String text = out.toString().trim();
        return text.isEmpty() ? List.of() : List.of(text);
    }

    private static List<String> classNames() throws IOException, URISyntaxException {
        Path root = Path.of(TransformedClassesVerifyTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        for (String pkg : PACKAGES) {
            try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                files.filter(p -> p.toString().endsWith(".class"))
                        .map(p -> pkg + "/" + p.getFileName().toString().replace(".class", ""))
                        .sorted()
                        .forEach(names::add);
            }
        }
        return names;
    }
}
