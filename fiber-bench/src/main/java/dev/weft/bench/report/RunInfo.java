package dev.weft.bench.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where and how a benchmark run happened: the facts the report prints above its tables.
 * Captured by the runner at the start of a run and completed at its end, kept beside the JMH
 * JSON as {@code <profile>-run.json} so the report can be rewritten from the data alone.
 *
 * @param profile     the benchmark profile ({@code quick}, {@code full}, ...)
 * @param command     the command that produced the run
 * @param startedAt   ISO-8601 start time
 * @param finishedAt  ISO-8601 end time (empty while running)
 * @param cpuModel    the CPU model name, or "unknown"
 * @param cores       processors available to the JVM
 * @param memoryBytes physical memory
 * @param os          OS name, version and architecture
 * @param jdk         Java version and VM name and version
 * @param loadBefore  the one-minute load average when the run started (negative if unknown)
 * @param loadAfter   the same when it ended
 * @param failures    benchmarks that produced no result, with the reason
 * @param stealTicksAtStart the machine's CPU ticks stolen by the hypervisor when the run started
 *                    ({@code /proc/stat}), or null if unknown
 * @param totalTicksAtStart all its CPU ticks then, or null if unknown
 * @param stealPercent the share of the machine's CPU time stolen by the hypervisor during the run,
 *                    in percent, or null if unknown (no {@code /proc/stat}, a run description written
 *                    before this was recorded, or a run still going)
 */
public record RunInfo(String profile, String command, String startedAt, String finishedAt, String cpuModel,
                      int cores, long memoryBytes, String os, String jdk, double loadBefore, double loadAfter,
                      List<String> failures, Long stealTicksAtStart, Long totalTicksAtStart, Double stealPercent) {

    /** Validates the fields. */
    public RunInfo {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(command, "command");
        failures = List.copyOf(failures == null ? List.of() : failures);
    }

    /** A run description without the steal figures (unknown). */
    public RunInfo(String profile, String command, String startedAt, String finishedAt, String cpuModel,
                   int cores, long memoryBytes, String os, String jdk, double loadBefore, double loadAfter,
                   List<String> failures) {
        this(profile, command, startedAt, finishedAt, cpuModel, cores, memoryBytes, os, jdk, loadBefore, loadAfter,
                failures, null, null, null);
    }

    /** Describes this machine and JVM now, for a run of {@code profile} started by {@code command}. */
    public static RunInfo capture(String profile, String command, String startedAt) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long[] ticks = readCpuTicks();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return new RunInfo(profile, command, startedAt, "", readCpuModel(), Runtime.getRuntime().availableProcessors(),
                memory, System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")",
                "Java " + System.getProperty("java.version") + ", " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version"),
                os.getSystemLoadAverage(), -1, List.of(), ticks == null ? null : ticks[0], ticks == null ? null : ticks[1], null);
    }

    /** This record with the end time, the load at the end, the failures and the steal during the run filled in. */
    public RunInfo finished(String finishedAt, List<String> failures) {
        long[] ticks = readCpuTicks();
        return new RunInfo(profile, command, startedAt, finishedAt, cpuModel, cores, memoryBytes, os, jdk, loadBefore,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), failures, stealTicksAtStart,
                totalTicksAtStart, stealPercent(stealTicksAtStart, totalTicksAtStart, ticks));
    }

    /**
     * The steal between a start snapshot and {@code end} ({@code {steal, total}} ticks), in percent
     * of all ticks; null if either is unknown or no time passed.
     */
    public static Double stealPercent(Long stealAtStart, Long totalAtStart, long[] end) {
        if (stealAtStart == null || totalAtStart == null || end == null || end[1] <= totalAtStart) {
            return null;
        }
        return 100.0 * (end[0] - stealAtStart) / (end[1] - totalAtStart);
    }

    /**
     * The machine's CPU ticks from the first line of {@code /proc/stat} ({@code cpu user nice system
     * idle iowait irq softirq steal ...}): {@code {steal, total}}, or null where there is no such file
     * or it has no steal column. On a virtual machine, steal is time a virtual CPU was ready to run
     * while the hypervisor ran something else, which makes a run's numbers slower and noisier.
     */
    public static long[] readCpuTicks() {
        try {
            Path stat = Path.of("/proc/stat");
            if (!Files.isReadable(stat)) {
                return null;
            }
            return parseCpuTicks(Files.readAllLines(stat).get(0));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@link #readCpuTicks} for one line; null if it is not a {@code cpu} line with a steal column. */
    static long[] parseCpuTicks(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) {
            return null;
        }
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user .. steal; guest time is already in user
            total += Long.parseLong(f[i]);
        }
        return new long[] {Long.parseLong(f[8]), total};
    }

    private static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    private static Gson gson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
    }

    /** Writes this record as JSON. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, gson().toJson(this) + "\n");
    }

    /** Reads a record written by {@link #write}. */
    public static RunInfo read(Path file) throws IOException {
        try {
            RunInfo info = gson().fromJson(Files.readString(file), RunInfo.class);
            if (info == null) {
                throw new IOException("empty run description: " + file);
            }
            return info;
        } catch (JsonParseException | NullPointerException e) {
            throw new IOException("cannot read the run description " + file + ": " + e.getMessage(), e);
        }
    }
}
