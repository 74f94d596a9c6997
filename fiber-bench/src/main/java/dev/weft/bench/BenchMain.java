package dev.weft.bench;

import dev.weft.bench.memory.MemoryBenchmarks;
import dev.weft.bench.report.BenchResult;
import dev.weft.bench.report.JmhJson;
import dev.weft.bench.report.Report;
import dev.weft.bench.report.RunInfo;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the benchmarks and writes the report: the README's main command ends here.
 *
 * <p>Steps: every JMH benchmark matching the include pattern (all by default), with
 * {@code -prof gc}, results to {@code bench-data/<profile>.json}; the memory probes, to
 * {@code bench-data/<profile>-memory.json}; the run description; then {@code benchmarks.md}
 * and {@code plots/}. JMH's own log goes to {@code fiber-bench/target/bench-<profile>.log};
 * the console gets one line per benchmark.
 *
 * <p>Options: {@code --profile quick|full|smoke} (smoke: one short iteration of everything, to
 * check that every benchmark runs; its numbers mean nothing), {@code --docs DIR} (where the report goes),
 * {@code --command TEXT} (printed in the report), {@code --include REGEX} (only matching JMH
 * benchmarks; the results then go to {@code target/bench-partial/} so a partial run never
 * overwrites the committed report), {@code --no-memory} (skip the memory probes),
 * {@code --no-jmh} (only the memory probes),
 * {@code --report-only} (rewrite the report from existing data).
 */
public final class BenchMain {

    /**
     * A benchmark profile: JMH's forks and iterations, and the memory probes' rounds.
     *
     * @param forks              JMH forks per benchmark
     * @param warmupIterations   warm-up iterations per fork
     * @param warmupTime         length of each warm-up iteration
     * @param iterations         measured iterations per fork
     * @param iterationTime      length of each measured iteration
     * @param timeout            JMH's time limit for one iteration
     * @param memoryRounds       rounds per retained-memory probe
     * @param memoryTimeoutSecs  time limit for one memory probe JVM
     */
    record Profile(int forks, int warmupIterations, TimeValue warmupTime, int iterations, TimeValue iterationTime,
                   TimeValue timeout, int memoryRounds, long memoryTimeoutSecs) {

        static Profile named(String name) {
            return switch (name) {
                // One warm-up and three measured iterations of 150 ms: with the rows of 2026-12-03
                // (197 JMH runs) the README's main job has to stay under 10 minutes on 2 cores.
                case "quick" -> new Profile(1, 1, TimeValue.milliseconds(150), 3, TimeValue.milliseconds(150),
                        TimeValue.seconds(60), 2, 90);
                case "full" -> new Profile(3, 5, TimeValue.seconds(1), 5, TimeValue.seconds(2),
                        TimeValue.minutes(5), 5, 300);
                case "smoke" -> new Profile(1, 1, TimeValue.milliseconds(100), 1, TimeValue.milliseconds(200),
                        TimeValue.seconds(30), 1, 60);
                // The rows outside the headline classes; the headline ones get HEADLINE (see passes()).
                case "standard" -> new Profile(1, 3, TimeValue.milliseconds(300), 5, TimeValue.milliseconds(300),
                        TimeValue.seconds(60), 3, 120);
                default -> throw new IllegalArgumentException("unknown profile '" + name
                        + "' (expected quick, standard, full or smoke)");
            };
        }

        /**
         * The {@code standard} profile's settings for the headline classes (the targets table's):
         * 2 forks of 3 x 1 s warm-up and 5 x 1 s measurement, so that each row has 10 measured
         * iterations from two JVMs and its 99.9% interval is narrow enough to support a ratio.
         */
        static final Profile HEADLINE = new Profile(2, 3, TimeValue.seconds(1), 5, TimeValue.seconds(1),
                TimeValue.minutes(2), 3, 120);
    }

    /**
     * The classes of the targets table: in the {@code standard} profile they run with
     * {@link Profile#HEADLINE}, everything else with the profile's own lighter settings.
     */
    static final String HEADLINE_CLASSES =
            "dev\\.weft\\.bench\\.(switching\\.(YieldBench|RingBench)|spawn\\.(SpawnJoinBench|SkynetBench)|idle\\.IdleWakeBench)\\..*";

    /**
     * One JMH run of a profile: which benchmarks (an include pattern, and an exclude pattern or
     * null) with which settings.
     */
    record Pass(String include, String exclude, Profile profile) {
    }

    /**
     * The JMH runs of a profile: one for every profile but {@code standard}, which runs the headline
     * classes with {@link Profile#HEADLINE} and the rest with its own settings. With {@code include}
     * (a partial run) one pass of that pattern, headline settings in {@code standard} if it names
     * only headline classes.
     */
    static List<Pass> passes(String profileName, Profile profile, String include) {
        if (!profileName.equals("standard")) {
            return List.of(new Pass(include == null ? "dev\\.weft\\.bench\\..*" : include, null, profile));
        }
        if (include != null) {
            return List.of(new Pass(include, null, Profile.HEADLINE));
        }
        return List.of(new Pass(HEADLINE_CLASSES, null, Profile.HEADLINE),
                new Pass("dev\\.weft\\.bench\\..*", HEADLINE_CLASSES, profile));
    }

    private BenchMain() {
    }

    /** Runs the benchmarks; see the class comment for the options. */
    public static void main(String[] args) throws IOException, RunnerException, InterruptedException {
        String profileName = "quick";
        Path docs = Path.of("docs");
        String command = "java dev.weft.bench.BenchMain";
        String include = null;
        boolean memory = true;
        boolean io = true;
        boolean jmh = true;
        boolean reportOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--profile" -> profileName = value(args, ++i, "--profile");
                case "--docs" -> docs = Path.of(value(args, ++i, "--docs"));
                case "--command" -> command = value(args, ++i, "--command");
                case "--include" -> include = value(args, ++i, "--include");
                case "--no-memory" -> memory = false;
                case "--no-io" -> io = false;
                case "--no-jmh" -> jmh = false;
                case "--report-only" -> reportOnly = true;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; expected --profile, "
                        + "--docs, --command, --include, --no-memory, --no-io, --no-jmh or --report-only");
            }
        }
        Profile profile = Profile.named(profileName);
        if (include != null) {
            docs = Path.of("target", "bench-partial");
            command = command + " (partial: --include " + include + ")";
        }
        Report report = new Report(docs.toAbsolutePath().normalize(), profileName);
        if (reportOnly) {
            report.write();
            System.out.println("Report written to " + report.markdown());
            return;
        }
        Files.createDirectories(report.jmhJson().getParent());
        RunInfo info = RunInfo.capture(profileName, command, now());
        info.write(report.runJson());
        System.out.printf(Locale.ROOT, "Weft benchmarks, profile %s, %d cores, load average %.2f%n", profileName,
                info.cores(), info.loadBefore());
        if (info.loadBefore() > 1.5) {
            System.out.println("Note: the machine is busy (load above 1.5); numbers will be noisy.");
        }

        List<String> failures = new ArrayList<>();
        if (jmh) {
            failures.addAll(runJmh(profileName, profile, include, report.jmhJson()));
        } else {
            Files.deleteIfExists(report.jmhJson());
        }
        if (memory && include == null) {
            System.out.println("Memory probes (each in its own JVM):");
            MemoryBenchmarks probes = new MemoryBenchmarks(profile.memoryRounds(), profile.memoryTimeoutSecs(),
                    System.out::println);
            List<BenchResult> rows = probes.run();
            JmhJson.write(report.memoryJson(), rows);
            failures.addAll(probes.failures());
        } else {
            Files.deleteIfExists(report.memoryJson());
        }
        if (io && include == null) {
            String loadProfile = profileName.equals("full") ? "standard" : profileName;
            System.out.println("Network load (LoadSuite, profile " + loadProfile + ", each server in its own JVM):");
            try {
                dev.weft.bench.io.LoadSuite.run(report.ioJson(), loadProfile);
            } catch (RuntimeException e) {
                failures.add("network load: " + e);
                Files.deleteIfExists(report.ioJson());
            }
        } else {
            Files.deleteIfExists(report.ioJson());
        }
        info.finished(now(), failures).write(report.runJson());
        report.write();
        System.out.println("Report written to " + report.markdown() + ", plots in " + report.plotDir());
        if (!failures.isEmpty()) {
            System.out.println("Failed: " + failures);
        }
    }

    private static List<String> runJmh(String profileName, Profile profile, String include, Path json)
            throws IOException, RunnerException {
        List<Pass> passes = passes(profileName, profile, include);
        Path log = Path.of("target", "bench-" + profileName + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        List<String> failures = new ArrayList<>();
        List<Path> parts = new ArrayList<>();
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            OutputFormat jmhLog = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
            for (int i = 0; i < passes.size(); i++) {
                Pass pass = passes.get(i);
                Path part = passes.size() == 1 ? json : json.resolveSibling(json.getFileName() + ".part" + i);
                parts.add(part);
                Profile p = pass.profile();
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .include(pass.include())
                        .forks(p.forks())
                        .warmupIterations(p.warmupIterations())
                        .warmupTime(p.warmupTime())
                        .measurementIterations(p.iterations())
                        .measurementTime(p.iterationTime())
                        .timeout(p.timeout())
                        .addProfiler(GCProfiler.class)
                        .resultFormat(ResultFormatType.JSON)
                        .result(part.toString());
                if (pass.exclude() != null) {
                    options.exclude(pass.exclude());
                }
                int total = expectedRuns(pass.include(), pass.exclude(), jmhLog);
                System.out.printf(Locale.ROOT, "JMH%s: %d benchmark runs, %d fork(s) of %d x %s + %d x %s; JMH's log: %s%n",
                        passes.size() == 1 ? "" : " pass " + (i + 1) + "/" + passes.size(), total, p.forks(),
                        p.warmupIterations(), p.warmupTime(), p.iterations(), p.iterationTime(), log);
                ProgressFormat progress = new ProgressFormat(System.out, jmhLog, total);
                new Runner(options.build(), progress).run();
                failures.addAll(progress.failures());
            }
        }
        if (passes.size() > 1) {
            JmhJson.concatenate(parts, json);
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        return failures;
    }

    private static int expectedRuns(String pattern, String exclude, OutputFormat out) {
        int total = 0;
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(out, List.of(pattern),
                exclude == null ? List.of() : List.of(exclude))) {
            int combinations = 1;
            if (e.getParams().hasValue()) {
                for (Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
                    combinations *= Math.max(1, p.getValue().length);
                }
            }
            total += combinations;
        }
        return total;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
