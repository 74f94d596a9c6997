package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties that need a JVM of their own: the error a user gets without the
 * {@code --add-exports} flag (from a fiber or a stackful generator), and the memory a million parked fibers take.
 *
 * <p>The children run through {@link ChildJvm}.
 */
class ForkedJvmTest {

    /** The flag the error message must name, in either spelling java accepts. */
    private static final Pattern FLAG = Pattern.compile("--add-exports[ =]java\\.base/jdk\\.internal\\.vm=ALL-UNNAMED");

    private static final int PARKED_FIBERS = 1_000_000;

    @Test
    void withoutAddExportsTheFirstStartNamesTheFlag() throws Exception {
        ChildJvm.Result r = ChildJvm.runWithoutWeftFlags(List.of("-Xshare:auto"), MissingFlagChild.class);
        assertNotEquals(0, r.exitCode(), "the child succeeded without the flag:\n" + r.output());
        String firstLine = r.output().lines().filter(l -> l.startsWith("FAILED: ")).findFirst()
                .orElseThrow(() -> new AssertionError("the child printed no FAILED line:\n" + r.output()));
        assertTrue(FLAG.matcher(firstLine).find(),
                "the exception message does not name --add-exports java.base/jdk.internal.vm=ALL-UNNAMED:\n" + r.output());
        assertFalse(firstLine.startsWith("FAILED: java.lang.IllegalAccessError"), "a bare IllegalAccessError:\n" + r.output());
    }

    @Test
    void withoutAddExportsTheFirstStackfulGeneratorNamesTheFlag() throws Exception {
        ChildJvm.Result r = ChildJvm.runWithoutWeftFlags(List.of("-Xshare:auto"), MissingFlagChild.class, "generator");
        assertNotEquals(0, r.exitCode(), "the child succeeded without the flag:\n" + r.output());
        String firstLine = r.output().lines().filter(l -> l.startsWith("FAILED: ")).findFirst()
                .orElseThrow(() -> new AssertionError("the child printed no FAILED line:\n" + r.output()));
        assertTrue(firstLine.startsWith("FAILED: java.lang.IllegalStateException"), r.output());
        assertTrue(FLAG.matcher(firstLine).find(),
                "the exception message does not name --add-exports java.base/jdk.internal.vm=ALL-UNNAMED:\n" + r.output());
    }

    @Test
    void aMillionParkedFibersFitInHalfAGigabyteOfHeap() throws Exception {
        List<String> jvmArgs = new ArrayList<>();
        jvmArgs.add("-Xmx512m");
        jvmArgs.add("-XX:+ExitOnOutOfMemoryError"); // an OutOfMemoryError in a carrier must not leave the child hanging
        jvmArgs.add("-Xshare:auto");
        // Compile in the foreground: the warm-up then leaves the park path compiled for certain.
        // With background compilation a loaded machine could still be interpreting it when the
        // million fibers first park, and interpreted frames make every stack chunk larger (heap
        // after GC ranged from 340 to 470 MiB between runs, and once ran out).
        jvmArgs.add("-Xbatch");
        ChildJvm.Result r = ChildJvm.run(jvmArgs, MillionParkedChild.class, Integer.toString(PARKED_FIBERS));
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
