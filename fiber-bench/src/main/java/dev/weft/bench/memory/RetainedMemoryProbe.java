package dev.weft.bench.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the heap retained per suspended task, in its own JVM (started by
 * {@link MemoryBenchmarks}): the heap in use after a full GC with {@code count} tasks suspended
 * {@code depth} frames deep, minus the same before they were started, divided by {@code count}.
 *
 * <p>Warm-up populations first ({@link SuspendedTasks#warmUp}), so neither class loading, nor
 * thread start-up, nor interpreted frames are charged to the tasks. Prints one line
 * {@code RETAINED <bytes>} per round.
 *
 * <p>Usage: {@code RetainedMemoryProbe <contender> <depth> <count> <rounds>}.
 */
public final class RetainedMemoryProbe {
    private static final int WARM_UP_TASKS = 20_000;

    private RetainedMemoryProbe() {
    }

    /** Runs the probe; see the class comment for the arguments and output. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: RetainedMemoryProbe <contender> <depth> <count> <rounds>");
        }
        String contender = args[0];
        int depth = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        SuspendedTasks tasks = SuspendedTasks.create(contender, depth);
        tasks.warmUp(WARM_UP_TASKS);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        tasks.reserve(count);
        for (int r = 0; r < rounds; r++) {
            long before = usedAfterGc(memory);
            tasks.startBatch(count);
            tasks.awaitSuspended();
            long after = usedAfterGc(memory);
            tasks.release();
            System.out.printf("RETAINED %.1f%n", (after - before) / (double) count);
        }
        System.exit(0);
    }

    /** Heap in use after full collections have settled (two in a row that free nothing more). */
    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= previous) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
