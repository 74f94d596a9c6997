package dev.weft.bench.memory;

/**
 * Grows a population of tasks suspended at depth 1, batch by batch, until the heap runs out
 * (after a warm-up, see {@link SuspendedTasks#warmUp}).
 * Run in a JVM with a small fixed heap and {@code -XX:+ExitOnOutOfMemoryError} (see
 * {@link MemoryBenchmarks}); prints {@code PARKED <n>} each time {@code n} tasks are all
 * suspended, so the last such line is the largest population that fitted. Stops by itself at
 * {@code cap} tasks, printing {@code CAP}.
 *
 * <p>Usage: {@code MaxParkedProbe <contender> <batch> <cap>}.
 */
public final class MaxParkedProbe {
    private MaxParkedProbe() {
    }

    /** Runs the probe; see the class comment for the arguments and output. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: MaxParkedProbe <contender> <batch> <cap>");
        }
        SuspendedTasks tasks = SuspendedTasks.create(args[0], 1);
        int batch = Integer.parseInt(args[1]);
        long cap = Long.parseLong(args[2]);
        tasks.warmUp(batch);
        long parked = 0;
        while (parked < cap) {
            tasks.startBatch(batch);
            tasks.awaitSuspended();
            parked += batch;
            System.out.println("PARKED " + parked);
        }
        System.out.println("CAP");
        System.exit(0);
    }
}
