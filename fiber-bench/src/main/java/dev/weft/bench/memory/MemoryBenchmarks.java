package dev.weft.bench.memory;

import dev.weft.bench.report.BenchResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the memory probes, each in a fresh JVM, and turns their output into result rows shaped
 * like JMH's, so the report treats them like any benchmark:
 * <ul>
 *   <li>{@code dev.weft.bench.memory.RetainedMemory.<contender>} with param {@code depth}, score in
 *       {@code B/task} (mean over the rounds, error = half the spread of the rounds);</li>
 *   <li>{@code dev.weft.bench.memory.MaxParked.<contender>} with param {@code heap}, score in
 *       {@code tasks}: the last population that was fully suspended before the heap ran out.</li>
 * </ul>
 * The child JVMs get this JVM's flags (so the Weft flags travel along) except heap size and
 * agents, which each probe sets itself.
 */
public final class MemoryBenchmarks {
    /** Depths at which retained memory is measured. */
    public static final List<Integer> DEPTHS = List.of(1, 100);
    /** Suspended tasks per retained-memory round. */
    public static final int TASKS = 100_000;
    /** Heap of the max-parked probe. */
    public static final String MAX_PARKED_HEAP = "256m";
    private static final int MAX_PARKED_BATCH = 10_000;
    private static final long MAX_PARKED_CAP = 20_000_000;

    private final int rounds;
    private final long timeoutSeconds;
    private final Consumer<String> progress;
    private final List<String> failures = new ArrayList<>();

    /**
     * @param rounds         retained-memory rounds per contender and depth
     * @param timeoutSeconds the longest any one probe JVM may run
     * @param progress       receives one line per probe
     */
    public MemoryBenchmarks(int rounds, long timeoutSeconds, Consumer<String> progress) {
        if (rounds < 1 || timeoutSeconds < 1) {
            throw new IllegalArgumentException("rounds and timeout must be positive: " + rounds + ", " + timeoutSeconds);
        }
        this.rounds = rounds;
        this.timeoutSeconds = timeoutSeconds;
        this.progress = progress;
    }

    /** Probes that produced no result, with the reason. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Runs every probe, returning the rows of those that produced a result. */
    public List<BenchResult> run() throws IOException, InterruptedException {
        List<BenchResult> rows = new ArrayList<>();
        for (String contender : SuspendedTasks.CONTENDERS) {
            for (int depth : DEPTHS) {
                String label = "RetainedMemory." + contender + " depth=" + depth;
                long start = System.nanoTime();
                Output out = runProbe("2g", List.of(), RetainedMemoryProbe.class, contender,
                        Integer.toString(depth), Integer.toString(TASKS), Integer.toString(rounds));
                List<Double> values = out.values("RETAINED");
                if (values.isEmpty()) {
                    fail(label, out);
                    continue;
                }
                double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                double spread = values.size() < 2 ? Double.NaN
                        : (values.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                        - values.stream().mapToDouble(Double::doubleValue).min().orElseThrow()) / 2;
                rows.add(new BenchResult("dev.weft.bench.memory.RetainedMemory." + contender, "ss",
                        Map.of("depth", Integer.toString(depth)), mean, spread, "B/task", Double.NaN));
                progress.accept(String.format("%-55s %10.1f B/task  (%.1f s)", label, mean, seconds(start)));
            }
        }
        for (String contender : SuspendedTasks.CONTENDERS) {
            String label = "MaxParked." + contender + " heap=" + MAX_PARKED_HEAP;
            long start = System.nanoTime();
            Output out = runProbe(MAX_PARKED_HEAP, List.of("-XX:+ExitOnOutOfMemoryError"), MaxParkedProbe.class,
                    contender, Integer.toString(MAX_PARKED_BATCH), Long.toString(MAX_PARKED_CAP));
            List<Double> values = out.values("PARKED");
            if (values.isEmpty()) {
                fail(label, out);
                continue;
            }
            double parked = values.get(values.size() - 1);
            rows.add(new BenchResult("dev.weft.bench.memory.MaxParked." + contender, "ss",
                    Map.of("heap", MAX_PARKED_HEAP), parked, Double.NaN, "tasks", Double.NaN));
            String ending = out.timedOut ? "stopped at the time limit" : out.lines.contains("CAP") ? "cap reached" : "heap exhausted";
            progress.accept(String.format("%-55s %,10.0f tasks   (%s, %.1f s)", label, parked, ending, seconds(start)));
        }
        return rows;
    }

    private void fail(String label, Output out) {
        String reason = out.timedOut ? "timed out after " + timeoutSeconds + " s"
                : "probe exited with " + out.exitCode + (out.lines.isEmpty() ? "" : ": " + out.lines.get(out.lines.size() - 1));
        failures.add(label + ": " + reason);
        progress.accept(String.format("%-55s FAILED (%s)", label, reason));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A finished probe: its output lines, exit code, and whether it was stopped at the time limit. */
    private record Output(List<String> lines, int exitCode, boolean timedOut) {
        List<Double> values(String tag) {
            List<Double> v = new ArrayList<>();
            for (String l : lines) {
                if (l.startsWith(tag + " ")) {
                    v.add(Double.parseDouble(l.substring(tag.length() + 1).trim()));
                }
            }
            return v;
        }
    }

    private Output runProbe(String heap, List<String> extraFlags, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-Xms") && !a.startsWith("-agentlib")
                    && !a.startsWith("-javaagent") && !a.startsWith("-XX:+ExitOnOutOfMemoryError")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx" + heap);
        cmd.addAll(extraFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("output lost: " + e);
                }
            }
        });
        boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
            p.waitFor();
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        synchronized (lines) {
            return new Output(List.copyOf(lines), p.exitValue(), !finished);
        }
    }
}
