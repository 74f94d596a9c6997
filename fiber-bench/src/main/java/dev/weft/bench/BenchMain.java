package dev.weft.bench;

import dev.weft.bench.memory.MemoryBenchmarks;
import dev.weft.bench.report.BenchResult;
import dev.weft.bench.report.JmhJson;
import dev.weft.bench.report.Report;
import dev.weft.bench.report.ReportWriter;
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
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
                // The light pass over every row; the rows the scheduling targets read are measured
                // again with TARGETS (see passes()), and those results replace the light ones.
                case "standard" -> new Profile(1, 3, TimeValue.milliseconds(300), 5, TimeValue.milliseconds(300),
                        TimeValue.seconds(60), 3, 120);
                default -> throw new IllegalArgumentException("unknown profile '" + name
                        + "' (expected quick, standard, full or smoke)");
            };
        }

        /**
         * The {@code standard} profile's settings for the rows the scheduling targets read: 5 forks
         * of 2 x 1 s warm-up and 16 x 300 ms measurement, 80 measured iterations from five JVMs.
         * On this project's 2-core VM these rows vary by 12-24% from one 300 ms iteration
         * to the next, and by up to a quarter from one JVM to another, even with little
         * host steal (docs/internals.md); JMH's 99.9% interval is t(n-1) s / sqrt(n), so it takes
         * 60-80 iterations, from more than two JVMs, to bring such a row's error under 10% of its
         * score. Two forks of five iterations (the settings until 2026-12-03) left 28 of these 37
         * rows above 10%; four forks of 16, 4 rows at 10.0-10.4%.
         */
        static final Profile TARGETS = new Profile(5, 2, TimeValue.seconds(1), 16, TimeValue.milliseconds(300),
                TimeValue.minutes(2), 3, 120);
    }

    /** The benchmark classes the scheduling targets read. */
    static final String SCHEDULING_CLASSES =
            "dev\\.weft\\.bench\\.(switching\\.(YieldBench|RingBench)|spawn\\.(SpawnJoinBench|SkynetBench)|idle\\.IdleWakeBench)\\..*";

    /**
     * One JMH run of a profile: which benchmarks (an include pattern, and an exclude pattern or
     * null), restricted to which parameter values (JMH's {@code -p}: a name the pass gives
     * replaces that parameter's declared values in every benchmark that declares it), with which
     * settings.
     */
    record Pass(String include, String exclude, Map<String, List<String>> params, Profile profile) {
        /** Freezes the parameters. */
        Pass {
            params = Collections.unmodifiableMap(new TreeMap<>(params));
        }

        /** A pass over the benchmarks' declared parameter values. */
        Pass(String include, String exclude, Profile profile) {
            this(include, exclude, Map.of(), profile);
        }
    }

    /**
     * The JMH runs of a profile: one for every profile but {@code standard}, which first measures
     * the rows the scheduling targets read with {@link Profile#TARGETS} ({@link #targetPasses}) and
     * then every row with its own lighter settings; a target row's long measurement replaces its
     * light one ({@link JmhJson#overlay}). With
     * {@code include} (a partial run) one pass of that pattern, with {@link Profile#TARGETS} in
     * {@code standard}.
     */
    static List<Pass> passes(String profileName, Profile profile, String include) {
        if (!profileName.equals("standard")) {
            return List.of(new Pass(include == null ? "dev\\.weft\\.bench\\..*" : include, null, profile));
        }
        if (include != null) {
            return List.of(new Pass(include, null, Profile.TARGETS));
        }
        List<Pass> passes = new ArrayList<>(targetPasses(BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(SCHEDULING_CLASSES),
                List.of())));
        passes.add(new Pass("dev\\.weft\\.bench\\..*", null, profile));
        return passes;
    }

    /**
     * Passes with {@link Profile#TARGETS} that run exactly the rows {@link ReportWriter#schedulingBasis}
     * names among every parameter combination of {@code entries}. The benchmarks whose target rows
     * have the same parameter values share a pass; a benchmark whose target rows are not all the
     * combinations of their values (JMH runs the product of a pass's values) gets a pass per row.
     */
    static List<Pass> targetPasses(Collection<BenchmarkListEntry> entries) {
        List<BenchResult> all = new ArrayList<>();
        for (BenchmarkListEntry e : entries) {
            for (Map<String, String> combination : combinations(declaredParams(e))) {
                // A score of 1 ns and no error: a check that picks the fastest contender needs a number.
                all.add(new BenchResult(e.getUsername(), "avgt", combination, 1.0, 0.0, "ns/op", 0.0));
            }
        }
        Map<String, List<Map<String, String>>> rowsByBenchmark = new LinkedHashMap<>();
        for (BenchResult r : ReportWriter.schedulingBasis(all)) {
            rowsByBenchmark.computeIfAbsent(r.benchmark(), k -> new ArrayList<>()).add(r.params());
        }
        Map<Map<String, List<String>>, List<String>> benchmarksByParams = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, String>>> b : rowsByBenchmark.entrySet()) {
            Map<String, List<String>> values = new TreeMap<>();
            for (Map<String, String> row : b.getValue()) {
                row.forEach((name, value) -> {
                    List<String> v = values.computeIfAbsent(name, k -> new ArrayList<>());
                    if (!v.contains(value)) {
                        v.add(value);
                    }
                });
            }
            if (combinations(values).size() == b.getValue().size()) {
                benchmarksByParams.computeIfAbsent(values, k -> new ArrayList<>()).add(b.getKey());
            } else {
                for (Map<String, String> row : b.getValue()) {
                    Map<String, List<String>> one = new TreeMap<>();
                    row.forEach((name, value) -> one.put(name, List.of(value)));
                    benchmarksByParams.computeIfAbsent(one, k -> new ArrayList<>()).add(b.getKey());
                }
            }
        }
        List<Pass> passes = new ArrayList<>();
        benchmarksByParams.forEach((params, names) -> passes.add(new Pass(
                "^(" + names.stream().map(Pattern::quote).collect(Collectors.joining("|")) + ")$", null, params,
                Profile.TARGETS)));
        return passes;
    }

    /** A benchmark's declared parameters and their values, in JMH's order. */
    static Map<String, List<String>> declaredParams(BenchmarkListEntry e) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (e.getParams().hasValue()) {
            e.getParams().get().forEach((name, values) -> params.put(name, List.of(values)));
        }
        return params;
    }

    /** Every combination of {@code params}' values (one empty combination for no parameters). */
    static List<Map<String, String>> combinations(Map<String, List<String>> params) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new TreeMap<>());
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out) {
                for (String value : p.getValue()) {
                    Map<String, String> m = new TreeMap<>(partial);
                    m.put(p.getKey(), value);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
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
                pass.params().forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
                int total = expectedRuns(pass, jmhLog);
                System.out.printf(Locale.ROOT, "JMH%s: %d benchmark runs, %d fork(s) of %d x %s + %d x %s; JMH's log: %s%n",
                        passes.size() == 1 ? "" : " pass " + (i + 1) + "/" + passes.size(), total, p.forks(),
                        p.warmupIterations(), p.warmupTime(), p.iterations(), p.iterationTime(), log);
                ProgressFormat progress = new ProgressFormat(System.out, jmhLog, total);
                new Runner(options.build(), progress).run();
                failures.addAll(progress.failures());
            }
        }
        if (passes.size() > 1) {
            JmhJson.overlay(parts.subList(0, parts.size() - 1), parts.get(parts.size() - 1), json);
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        return failures;
    }

    /** The benchmark runs (parameter combinations) {@code pass} makes. */
    private static int expectedRuns(Pass pass, OutputFormat out) {
        int total = 0;
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(out, List.of(pass.include()),
                pass.exclude() == null ? List.of() : List.of(pass.exclude()))) {
            Map<String, List<String>> params = declaredParams(e);
            params.replaceAll((name, declared) -> pass.params().getOrDefault(name, declared));
            total += combinations(params).size();
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
