package dev.weft.fiber.impl.arch;

import dev.weft.fiber.impl.core.FiberImpl;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Micrometer is an optional dependency of fiber-impl: only the binder's package
 * ({@code dev.weft.fiber.micrometer}) may name it, so that no other class fails to load, link or
 * verify when it is absent. Reads every compiled class's constant pool (class names, descriptors
 * and signatures are its UTF-8 entries), as {@link ImplPackagesHaveNoCycleTest} does.
 */
class NothingOutsideTheBinderNamesMicrometerTest {
    private static final String BINDER = "dev/weft/fiber/micrometer/";

    @Test
    void onlyTheBindersPackageNamesMicrometer() throws Exception {
        Path root = Path.of(FiberImpl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        List<String> offenders = new ArrayList<>();
        boolean binderSeen = false;
        for (Path f : files) {
            String cls = root.relativize(f).toString().replace('\\', '/');
            boolean names = namesMicrometer(f);
            if (cls.startsWith(BINDER)) {
                binderSeen |= names;
            } else if (names) {
                offenders.add(cls);
            }
        }
        assertTrue(binderSeen, "the binder's classes were not found under " + root);
        assertEquals(List.of(), offenders, "classes outside " + BINDER + " that name io.micrometer");
    }

    private static boolean namesMicrometer(Path classFile) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(classFile)))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + classFile);
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            boolean found = false;
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> {
                        String u = in.readUTF();
                        found |= u.contains("io/micrometer") || u.contains("io.micrometer");
                    }
                    case 3, 4 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 15 -> in.skipNBytes(3);
                    default -> throw new IOException("unknown constant tag " + tag + " in " + classFile);
                }
            }
            return found;
        }
    }
}
