package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Properties that need a JVM of their own: the error a user gets without the
 * {@code --add-exports} flag (from a fiber or a stackful generator), and the memory a million parked fibers take.
 *
 * <p>The child runs the same {@code java} executable as this JVM, with this JVM's class path.
 * Its Weft flags are copied from this JVM's own arguments (which the build sets from the one
 * POM property), never spelled out here.
 */
class ForkedJvmTest {

    /** The flag the error message must name, in either spelling java accepts. */
    private static final Pattern FLAG = Pattern.compile("--add-exports[ =]java\\.base/jdk\\.internal\\.vm=ALL-UNNAMED");

    private static final int PARKED_FIBERS = 1_000_000;

    /** A bound that only a hang (or a heap thrashing at its limit) reaches. */
    private static final Duration CHILD_TIME_LIMIT = Duration.ofMinutes(2);

    record ChildResult(int exitCode, String output) {
    }

    /** Runs {@code mainClass} in a new JVM with {@code jvmArgs}; stdout and stderr together. */
    private static ChildResult runChild(List<String> jvmArgs, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot find the java executable of this JVM"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("weft-child-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(CHILD_TIME_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                fail("child JVM did not exit within " + CHILD_TIME_LIMIT + ": " + command + "\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new ChildResult(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** This JVM's {@code --add-exports}/{@code --add-opens} arguments, as set by the build. */
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

    @Test
    void withoutAddExportsTheFirstStartNamesTheFlag() throws Exception {
        ChildResult r = runChild(List.of("-Xshare:auto"), MissingFlagChild.class);
        assertNotEquals(0, r.exitCode(), "the child succeeded without the flag:\n" + r.output());
        String firstLine = r.output().lines().filter(l -> l.startsWith("FAILED: ")).findFirst()
                .orElseThrow(() -> new AssertionError("the child printed no FAILED line:\n" + r.output()));
        assertTrue(FLAG.matcher(firstLine).find(),
                "the exception message does not name --add-exports java.base/jdk.internal.vm=ALL-UNNAMED:\n" + r.output());
        assertFalse(firstLine.startsWith("FAILED: java.lang.IllegalAccessError"), "a bare IllegalAccessError:\n" + r.output());
    }

    @Test
    void withoutAddExportsTheFirstStackfulGeneratorNamesTheFlag() throws Exception {
        ChildResult r = runChild(List.of("-Xshare:auto"), MissingFlagChild.class, "generator");
        assertNotEquals(0, r.exitCode(), "the child succeeded without the flag:\n" + r.output());
        String firstLine = r.output().lines().filter(l -> l.startsWith("FAILED: ")).findFirst()
                .orElseThrow(() -> new AssertionError("the child printed no FAILED line:\n" + r.output()));
        assertTrue(firstLine.startsWith("FAILED: java.lang.IllegalStateException"), r.output());
        assertTrue(FLAG.matcher(firstLine).find(),
                "the exception message does not name --add-exports java.base/jdk.internal.vm=ALL-UNNAMED:\n" + r.output());
    }

    @Test
    void aMillionParkedFibersFitInHalfAGigabyteOfHeap() throws Exception {
        List<String> jvmArgs = new ArrayList<>(weftFlagsOfThisJvm());
        jvmArgs.add("-Xmx512m");
        jvmArgs.add("-XX:+ExitOnOutOfMemoryError"); // an OutOfMemoryError in a carrier must not leave the child hanging
        jvmArgs.add("-Xshare:auto");
        // Compile in the foreground: the warm-up then leaves the park path compiled for certain.
        // With background compilation a loaded machine could still be interpreting it when the
        // million fibers first park, and interpreted frames make every stack chunk larger (heap
        // after GC ranged from 340 to 470 MiB between runs, and once ran out).
        jvmArgs.add("-Xbatch");
        ChildResult r = runChild(jvmArgs, MillionParkedChild.class, Integer.toString(PARKED_FIBERS));
        assertEquals(0, r.exitCode(), "child failed:\n" + r.output());
        Matcher parked = Pattern.compile("^PARKED (\\d+)$", Pattern.MULTILINE).matcher(r.output());
        assertTrue(parked.find(), r.output());
        assertEquals(PARKED_FIBERS, Integer.parseInt(parked.group(1)), r.output());
        Matcher done = Pattern.compile("^DONE (\\d+)$", Pattern.MULTILINE).matcher(r.output());
        assertTrue(done.find(), r.output());
        assertEquals(PARKED_FIBERS, Integer.parseInt(done.group(1)), r.output());
        System.out.print(r.output());
    }

    /**
     * Child JVM started without {@code --add-exports}: prints how the first fiber start fails, or
     * with the argument {@code generator}, the first stackful generator.
     */
    static final class MissingFlagChild {
        public static void main(String[] args) {
            try {
                if (args.length > 0 && args[0].equals("generator")) {
                    System.out.println("STARTED, yielded " + Generators.stackful(y -> y.yield(1)).next());
                    System.exit(0);
                }
                Fiber<Integer> f = Fiber.start(() -> 1);
                System.out.println("STARTED, result " + f.get());
                System.exit(0);
            } catch (Throwable t) {
                System.out.println("FAILED: " + t.getClass().getName() + ": " + t.getMessage());
                t.printStackTrace(System.out);
                System.exit(3);
            }
        }
    }

    /**
     * Child JVM with a small heap: after a warm-up, starts {@code args[0]} fibers that all park,
     * waits until every one of them is parked, prints the count, unparks them all and joins them.
     */
    static final class MillionParkedChild {
        private static volatile boolean released;

        public static void main(String[] args) throws Exception {
            int n = Integer.parseInt(args[0]);
            Fiber<?>[] fibers = new Fiber<?>[n];
            Runnable body = () -> {
                while (!released) {
                    Fiber.park();
                }
            };
            try (FiberScheduler s = Schedulers.workStealing(2)) {
                Fiber.Builder builder = Fiber.builder().scheduler(s);
                warmUp(builder, body);
                released = false;
                for (int i = 0; i < n; i++) {
                    fibers[i] = builder.start(body);
                }
                int parked = 0;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (parked < n) {
                    if (fibers[parked].state() == Fiber.State.PARKED) {
                        parked++;
                    } else if (System.nanoTime() > deadline) {
                        System.out.println("only " + parked + " parked; next is " + fibers[parked].state());
                        System.exit(4);
                    } else {
                        Thread.sleep(1);
                    }
                }
                System.out.println("PARKED " + parked);
                System.gc();
                Runtime rt = Runtime.getRuntime();
                System.out.println("heap used with all parked, after a GC (information, not asserted): "
                        + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + " MiB of max " + rt.maxMemory() / (1024 * 1024));
                released = true;
                for (Fiber<?> f : fibers) {
                    f.unpark();
                }
                int done = 0;
                for (Fiber<?> f : fibers) {
                    f.join();
                    done++;
                }
                System.out.println("DONE " + done);
            }
        }

        /**
         * A fiber's stack chunk is sized by the frames it holds when it first suspends, and an
         * interpreted frame is several times larger than a compiled one. Parking a million fibers
         * in a cold JVM would measure how fast the JIT reaches the park path, not what a parked
         * fiber costs, so the park path is compiled first with a few rounds of 20,000 fibers.
         */
        private static void warmUp(Fiber.Builder builder, Runnable body) throws InterruptedException {
            for (int round = 0; round < 5; round++) {
                released = false;
                Fiber<?>[] warm = new Fiber<?>[20_000];
                for (int i = 0; i < warm.length; i++) {
                    warm[i] = builder.start(body);
                }
                for (Fiber<?> f : warm) {
                    while (f.state() != Fiber.State.PARKED) {
                        Thread.sleep(1);
                    }
                }
                released = true;
                for (Fiber<?> f : warm) {
                    f.unpark();
                }
                for (Fiber<?> f : warm) {
                    f.join();
                }
            }
        }
    }
}
