package dev.weft.fiber.impl.core;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MonitorRegions}' own class-file reader against real bytecode: every class of
 * {@code java.base} parses, and the methods it says can hold a monitor are exactly those ASM finds
 * with a {@code monitorenter} or the {@code synchronized} flag (the counts per index are pinned by
 * {@code HeldMonitorsTest}).
 */
class MonitorRegionsTest {

    /** The methods ASM sees holding a monitor somewhere, as {@code name+descriptor}. */
    private static List<String> monitorMethodsByAsm(byte[] bytes) {
        List<String> found = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                String key = name + desc;
                if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                    found.add(key);
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    boolean added;

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.MONITORENTER && !added) {
                            added = true;
                            found.add(key);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found;
    }

    @Test
    void everyJavaBaseClassParsesAndAgreesWithAsm() throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        int classes = 0;
        int withMonitors = 0;
        List<String> disagreements = new ArrayList<>();
        try (Stream<Path> files = Files.walk(jrt.getPath("/modules/java.base"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                byte[] bytes = Files.readAllBytes(p);
                MonitorRegions r = MonitorRegions.of(bytes);
                classes++;
                if (r == MonitorRegions.UNREADABLE) {
                    disagreements.add(p + ": unreadable");
                    continue;
                }
                List<String> expected = monitorMethodsByAsm(bytes);
                if (!expected.isEmpty()) {
                    withMonitors++;
                }
                if (!new java.util.TreeSet<>(expected).equals(r.methodKeys())) {
                    disagreements.add(p + ": ASM " + expected + ", ours " + r.methodKeys());
                }
            }
        }
        assertTrue(classes > 5_000, "java.base classes read: " + classes);
        assertTrue(withMonitors > 100, "classes with monitors: " + withMonitors);
        assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
                disagreements.size() + " of " + classes + " classes disagree");
    }

    @Test
    void aTruncatedOrForeignFileIsUnreadable() throws IOException {
        byte[] real;
        try (var in = MonitorRegionsTest.class.getResourceAsStream("MonitorRegionsTest.class")) {
            real = in.readAllBytes();
        }
        assertSame(MonitorRegions.UNREADABLE, MonitorRegions.of(java.util.Arrays.copyOf(real, real.length / 2)));
        assertSame(MonitorRegions.UNREADABLE, MonitorRegions.of(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }
}
