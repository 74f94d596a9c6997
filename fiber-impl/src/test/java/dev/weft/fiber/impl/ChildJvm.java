package dev.weft.fiber.impl;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a main class in a JVM of its own, for properties that need a heap of a given size or a JVM
 * without the Weft flags: the same {@code java} executable and class path as this JVM, and the
 * Weft flags copied from this JVM's arguments (which the build sets from the one POM property),
 * never spelled out here.
 */
public final class ChildJvm {
    /** A bound that only a hang (or a heap thrashing at its limit) reaches. */
    static final Duration TIME_LIMIT = Duration.ofMinutes(3);

    /** What the child printed (stdout and stderr together) and how it exited. */
    public record Result(int exitCode, String output) {
    }

    private ChildJvm() {
    }

    /** Runs {@code mainClass} with the Weft flags plus {@code jvmArgs}. */
    public static Result run(List<String> jvmArgs, Class<?> mainClass, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(weftFlagsOfThisJvm());
        all.addAll(jvmArgs);
        return runWithoutWeftFlags(all, mainClass, args);
    }

    /** Runs {@code mainClass} with {@code jvmArgs} only: no Weft flag unless {@code jvmArgs} has it. */
    public static Result runWithoutWeftFlags(List<String> jvmArgs, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        return runWithClassPath(jvmArgs, System.getProperty("java.class.path"), mainClass, args);
    }

    /** Runs {@code mainClass} with the Weft flags plus {@code jvmArgs}, on {@code classPath} instead of this JVM's. */
    public static Result runOnClassPath(List<String> jvmArgs, String classPath, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(weftFlagsOfThisJvm());
        all.addAll(jvmArgs);
        return runWithClassPath(all, classPath, mainClass, args);
    }

    private static Result runWithClassPath(List<String> jvmArgs, String classPath, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot find the java executable of this JVM"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("weft-child-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(TIME_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                fail("child JVM did not exit within " + TIME_LIMIT + ": " + command + "\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static List<String> weftFlagsOfThisJvm() {
        List<String> flags = new ArrayList<>();
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--add-exports=") || a.startsWith("--add-opens=")) {
                flags.add(a);
            } else if ((a.equals("--add-exports") || a.equals("--add-opens")) && i + 1 < args.size()) {
                flags.add(a);
                flags.add(args.get(++i));
            }
        }
        assertFalse(flags.isEmpty(), "this JVM was started without the Weft flags: " + args);
        return flags;
    }
}
