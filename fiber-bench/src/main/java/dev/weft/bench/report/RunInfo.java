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
 */
public record RunInfo(String profile, String command, String startedAt, String finishedAt, String cpuModel,
                      int cores, long memoryBytes, String os, String jdk, double loadBefore, double loadAfter,
                      List<String> failures) {

    /** Validates the fields. */
    public RunInfo {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(command, "command");
        failures = List.copyOf(failures == null ? List.of() : failures);
    }

    /** Describes this machine and JVM now, for a run of {@code profile} started by {@code command}. */
    public static RunInfo capture(String profile, String command, String startedAt) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return new RunInfo(profile, command, startedAt, "", readCpuModel(), Runtime.getRuntime().availableProcessors(),
                memory, System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")",
                "Java " + System.getProperty("java.version") + ", " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version"),
                os.getSystemLoadAverage(), -1, List.of());
    }

    /** This record with the end time, the load at the end and the failures filled in. */
    public RunInfo finished(String finishedAt, List<String> failures) {
        return new RunInfo(profile, command, startedAt, finishedAt, cpuModel, cores, memoryBytes, os, jdk, loadBefore,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), failures);
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
