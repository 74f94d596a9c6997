package dev.weft.fiber.impl.stackless;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build step of the stackless transformer: rewrites, in place, every class file under a
 * directory (normally {@code target/classes}) that holds suspendable code. Classes that need
 * nothing are not touched; classes already transformed are skipped, so running it twice is
 * harmless. Referenced classes are read from the directory first, then from this program's
 * class path, so run it with the project's class path:
 * <pre>
 *   java -cp target/classes:&lt;dependencies&gt; dev.weft.fiber.impl.stackless.ClassDirectoryTransformer \
 *        target/classes [--only com.example.gen]...
 * </pre>
 * Exits with status 1, listing every refusal (class, method, line, reason), if any class is
 * refused; nothing is written in that case. {@code docs/generators.md} shows the Maven setup.
 */
public final class ClassDirectoryTransformer {
    private ClassDirectoryTransformer() {
    }

    /**
     * Transforms the classes of one directory in place; exits with status 1 on a refusal and 2 on
     * a usage error.
     *
     * @param args {@code <classes-dir> [--only <package>]...}: the directory, and optionally the
     *             packages (with sub-packages) whose classes are transformed; other classes are
     *             still read to resolve types
     */
    public static void main(String[] args) {
        if (args.length == 0 || args.length % 2 == 0) {
            System.err.println("usage: ClassDirectoryTransformer <classes-dir> [--only <package>]...");
            System.exit(2);
        }
        List<String> only = new ArrayList<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].equals("--only")) {
                System.err.println("unknown option " + args[i] + "; usage: ClassDirectoryTransformer <classes-dir> [--only <package>]...");
                System.exit(2);
            }
            only.add(args[i + 1].replace('.', '/') + "/");
        }
        try {
            Summary s = transformDirectory(Path.of(args[0]), only);
            System.out.println("Weft stackless transformer: " + args[0] + ": rewrote " + s.rewritten
                    + " of " + s.examined + " classes");
        } catch (TransformRefusedException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** How many class files were examined and how many rewritten. */
    record Summary(int examined, int rewritten) {
    }

    /**
     * Transforms every class file under {@code dir} in place.
     *
     * @param only internal-name prefixes ({@code com/example/}) of the classes to transform;
     *             empty for all
     *
     * @throws TransformRefusedException listing the refusals of every refused class (no file is
     *         written if any class is refused)
     */
    static Summary transformDirectory(Path dir, List<String> only) {
        ClassLoader fallback = ClassDirectoryTransformer.class.getClassLoader();
        ClassHierarchy hierarchy = new ClassHierarchy(name -> {
            Path p = dir.resolve(name + ".class");
            try {
                return Files.isRegularFile(p) ? Files.readAllBytes(p) : ClassHierarchy.resourceBytes(fallback, name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        SuspendableTransformer transformer = new SuspendableTransformer(hierarchy);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> only.isEmpty() || only.stream().anyMatch(
                            prefix -> dir.relativize(p).toString().replace('\\', '/').startsWith(prefix)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        List<TransformRefusedException.Refusal> refusals = new ArrayList<>();
        List<Path> changedFiles = new ArrayList<>();
        List<byte[]> changedBytes = new ArrayList<>();
        for (Path file : files) {
            try {
                byte[] original = Files.readAllBytes(file);
                byte[] result = transformer.transform(original);
                if (result != original) {
                    changedFiles.add(file);
                    changedBytes.add(result);
                }
            } catch (TransformRefusedException e) {
                refusals.addAll(e.refusals());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        if (!refusals.isEmpty()) {
            throw new TransformRefusedException(refusals);
        }
        for (int i = 0; i < changedFiles.size(); i++) {
            try {
                Files.write(changedFiles.get(i), changedBytes.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + changedFiles.get(i), e);
            }
        }
        return new Summary(files.size(), changedFiles.size());
    }
}
