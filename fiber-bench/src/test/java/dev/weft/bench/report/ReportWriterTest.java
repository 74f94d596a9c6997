package dev.weft.bench.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report writer on a small JMH JSON fixture: parsing, ratios, tables, targets, plots. */
class ReportWriterTest {
    private static List<BenchResult> fixture;

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = ReportWriterTest.class.getResourceAsStream("/jmh-fixture.json")) {
            fixture = JmhJson.parse(new String(Objects.requireNonNull(in, "fixture").readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static BenchResult row(String simpleClass, String method, Map<String, String> params) {
        return fixture.stream()
                .filter(r -> r.simpleClassName().equals(simpleClass) && r.method().equals(method) && r.params().equals(params))
                .findFirst().orElseThrow(() -> new AssertionError("no fixture row " + simpleClass + "." + method + " " + params));
    }

    private static List<BenchResult> classRows(String simpleClass) {
        return fixture.stream().filter(r -> r.simpleClassName().equals(simpleClass)).toList();
    }

    @Test
    void parsesEveryEntryWithParamsErrorsAndAllocation() {
        assertEquals(25, fixture.size());
        BenchResult ws1 = row("YieldBench", "weft", Map.of("scheduler", "workStealing1"));
        assertEquals("dev.weft.bench.switching.YieldBench.weft", ws1.benchmark());
        assertEquals("avgt", ws1.mode());
        assertEquals(120.0, ws1.score());
        assertEquals(5.0, ws1.scoreError());
        assertEquals("ns/op", ws1.unit());
        assertEquals(0.5, ws1.allocBytesPerOp());
        assertEquals("dev.weft.bench.switching", ws1.packageName());
        BenchResult raw = row("YieldBench", "baselineRawContinuation", Map.of());
        assertTrue(Double.isNaN(raw.scoreError()), "JMH's \"NaN\" string must parse as NaN");
        assertTrue(raw.isBaseline());
        assertFalse(ws1.isBaseline());
    }

    @Test
    void rejectsInputThatIsNotJmhJson() {
        IllegalArgumentException notArray = assertThrows(IllegalArgumentException.class, () -> JmhJson.parse("{}"));
        assertTrue(notArray.getMessage().contains("array"), notArray.getMessage());
        IllegalArgumentException noMetric = assertThrows(IllegalArgumentException.class,
                () -> JmhJson.parse("[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\"}]"));
        assertTrue(noMetric.getMessage().contains("primaryMetric"), noMetric.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JmhJson.parse("[{\"mode\":\"avgt\"}]"));
        assertThrows(IllegalArgumentException.class, () -> JmhJson.parse("not json ["));
    }

    @Test
    void ratioIsAgainstTheBaselineOfTheSameClass() {
        List<BenchResult> yield = classRows("YieldBench");
        assertEquals(1.2, ReportWriter.ratio(row("YieldBench", "weft", Map.of("scheduler", "workStealing1")), yield), 1e-9);
        assertEquals(0.2, ReportWriter.ratio(row("YieldBench", "kotlin", Map.of("dispatcher", "runBlocking")), yield), 1e-9);
        assertEquals(1.0, ReportWriter.ratio(row("YieldBench", "baselineRawContinuation", Map.of()), yield), 1e-9);
    }

    @Test
    void ratioPicksTheBaselineWithMatchingParams() {
        List<BenchResult> ring = classRows("RingBench");
        BenchResult small = row("RingBench", "weft", Map.of("scheduler", "fifo1", "size", "1000"));
        BenchResult large = row("RingBench", "weft", Map.of("scheduler", "fifo1", "size", "100000"));
        assertEquals("1000", ReportWriter.baselineFor(small, ring).params().get("size"));
        assertEquals(2.0, ReportWriter.ratio(small, ring), 1e-9);
        assertEquals(2.0, ReportWriter.ratio(large, ring), 1e-9);
    }

    @Test
    void ratioConvertsTimeUnitsAndGivesNoneWhenTheBaselineIsAmbiguous() {
        BenchResult base = new BenchResult("x.A.baseline", "avgt", Map.of(), 1.0, Double.NaN, "us/op", Double.NaN);
        BenchResult other = new BenchResult("x.A.other", "avgt", Map.of(), 500.0, Double.NaN, "ns/op", Double.NaN);
        assertEquals(0.5, ReportWriter.ratio(other, List.of(base, other)), 1e-9);
        BenchResult secondBase = new BenchResult("x.A.baselineToo", "avgt", Map.of(), 2.0, Double.NaN, "us/op", Double.NaN);
        assertNull(ReportWriter.baselineFor(other, List.of(base, secondBase, other)));
        assertTrue(Double.isNaN(ReportWriter.ratio(other, List.of(base, secondBase, other))));
        BenchResult bytes = new BenchResult("x.A.bytes", "ss", Map.of(), 5.0, Double.NaN, "B/task", Double.NaN);
        assertTrue(Double.isNaN(ReportWriter.ratio(bytes, List.of(base, bytes))), "bytes vs time has no ratio");
    }

    @Test
    void aParamValueStartingWithBaselineMarksTheBaselineOfRowsWithTheSameOtherParams() {
        BenchResult base1 = new BenchResult("x.Sweep.next", "avgt", Map.of("backend", "baselineIterator", "depth", "1"),
                10, Double.NaN, "ns/op", Double.NaN);
        BenchResult base10 = new BenchResult("x.Sweep.next", "avgt", Map.of("backend", "baselineIterator", "depth", "10"),
                40, Double.NaN, "ns/op", Double.NaN);
        BenchResult row10 = new BenchResult("x.Sweep.next", "avgt", Map.of("backend", "stackful", "depth", "10"),
                20, Double.NaN, "ns/op", Double.NaN);
        List<BenchResult> rows = List.of(base1, base10, row10);
        assertTrue(base1.isBaseline());
        assertFalse(row10.isBaseline());
        assertSame(base10, ReportWriter.baselineFor(row10, rows));
        assertEquals(0.5, ReportWriter.ratio(row10, rows), 1e-9);
        assertTrue(ReportWriter.render(info(), rows, List.of(), Map.of()).contains("Baseline: `backend=baselineIterator`."));
    }

    /** The fixture's row has JMH's score 9,000 for three iterations of 2,900, 3,000 and 3,100: shown is 3,000. */
    @Test
    void ownSecondaryMetricsAreKeptAndShownPerIterationButProfilerMetricsAreNot() {
        BenchResult r = row("GeneratorMemoryBench", "retained", Map.of("backend", "stackless", "depth", "10"));
        assertEquals(Map.of("bytesPerGenerator", new BenchResult.Metric(3000.0, "#")), r.extraMetrics());
        assertEquals(63070176.0, r.allocBytesPerOp());
        String table = ReportWriter.table(classRows("GeneratorMemoryBench"));
        assertTrue(table.split("\n")[0].endsWith("| Other metrics |"), table);
        assertTrue(table.contains("| bytesPerGenerator 3,000 |"), table);
        assertFalse(table.contains("gc.count"), table);
        assertFalse(ReportWriter.table(classRows("YieldBench")).contains("Other metrics"));
        Plots.Measure m = Plots.measure(classRows("GeneratorMemoryBench"));
        assertEquals("bytesPerGenerator", m.axisTitle());
        assertEquals(3000.0, m.value().applyAsDouble(r));
        assertEquals("ns/op", Plots.measure(classRows("YieldBench")).axisTitle());
    }

    private static RunInfo info() {
        return new RunInfo("quick", "cmd", "start", "end", "cpu", 2, 1L << 30, "os", "jdk", 0.1, 0.2, List.of());
    }

    @Test
    void groupsByClassInWorkloadOrderWithBaselinesFirst() {
        Map<String, List<BenchResult>> groups = ReportWriter.byClass(fixture);
        assertEquals(List.of("dev.weft.bench.switching.YieldBench", "dev.weft.bench.switching.RingBench",
                "dev.weft.bench.spawn.SpawnJoinBench", "dev.weft.bench.spawn.SkynetBench",
                "dev.weft.bench.generator.GeneratorDepthBench", "dev.weft.bench.generator.GeneratorMemoryBench"),
                List.copyOf(groups.keySet()));
        for (List<BenchResult> rows : groups.values()) {
            if (rows.stream().anyMatch(BenchResult::isBaseline)) {
                assertTrue(rows.get(0).isBaseline(), "baseline first in " + rows.get(0).className());
            }
        }
    }

    @Test
    void tableHasOneLinePerRowWithScoreErrorRatioAndAllocation() {
        String table = ReportWriter.table(ReportWriter.byClass(fixture).get("dev.weft.bench.switching.YieldBench"));
        String[] lines = table.split("\n");
        assertEquals(2 + 4, lines.length, table);
        assertTrue(lines[0].startsWith("| Benchmark | Params | Score |"), lines[0]);
        assertEquals("| baselineRawContinuation | – | 100.0 | – | ns/op | 1.00× (baseline) | 0.003 |", lines[2]);
        assertTrue(table.contains("| weft | scheduler=workStealing1 | 120.0 | ± 5.000 | ns/op | 1.20× | 0.500 |"), table);
        assertTrue(table.contains("| weft | scheduler=fifo1 | 150.0 | ± 10.0 | ns/op | 1.50× | 0.500 |"), table);
        assertTrue(table.contains("| kotlin | dispatcher=runBlocking | 20.0 | ± 1.000 | ns/op | 0.20× | 0.000 |"), table);
    }

    @Test
    void numbersAreFormattedIndependentlyOfTheLocale() {
        assertEquals("1,600", ReportWriter.number(1600.4));
        assertEquals("12.3", ReportWriter.number(12.34));
        assertEquals("0.400", ReportWriter.number(0.4));
        assertEquals("–", ReportWriter.number(Double.NaN));
    }

    @Test
    void targetsAreComputedFromTheRows() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(fixture);
        ReportWriter.TargetCheck fifo = find(checks, "Yield on fifo(n)", "scheduler=fifo1");
        assertSame(Boolean.FALSE, fifo.met()); // 150 against the floor's 100 ns
        assertTrue(fifo.measured().startsWith("1.50× the floor"), fifo.measured());
        assertSame(Boolean.TRUE, find(checks, "Ring on fifo(n)", "size=1000").met()); // 2.00×
        assertSame(Boolean.TRUE, find(checks, "Ring on fifo(n)", "size=100000").met()); // 160 is 2.00× of 80: at the bound
        assertSame(Boolean.TRUE, find(checks, "Skynet 1M under 0.3 s", "scheduler=workStealing2").met());
        ReportWriter.TargetCheck spawn = find(checks, "Spawn+join from a fiber under 0.25", "scheduler=workStealing2");
        assertSame(Boolean.FALSE, spawn.met());
        assertTrue(spawn.measured().startsWith("0.4"), spawn.measured());
        ReportWriter.TargetCheck memory = find(checks, "retained", "–");
        assertNull(memory.met(), "no memory rows in the fixture: not measured");
    }

    private static ReportWriter.TargetCheck find(List<ReportWriter.TargetCheck> checks, String target, String variant) {
        return checks.stream().filter(c -> c.target().contains(target) && c.variant().contains(variant)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + target + " / " + variant + " in " + checks));
    }

    @Test
    void theHeaderSaysHowMuchCpuTheHypervisorStoleAndUnknownWhenNotRecorded() {
        RunInfo stolen = new RunInfo("standard", "cmd", "start", "end", "cpu", 2, 1L << 30, "os", "jdk", 0.1, 0.2,
                List.of(), 1_000L, 100_000L, 18.25);
        String md = ReportWriter.render(stolen, fixture, List.of(), Map.of());
        assertTrue(md.contains("| CPU time stolen by the hypervisor during the run (`/proc/stat`) | 18.3% (a virtual CPU waited"), md);
        String quiet = ReportWriter.render(new RunInfo("standard", "cmd", "start", "end", "cpu", 2, 1L << 30, "os", "jdk",
                0.1, 0.2, List.of(), 1_000L, 100_000L, 1.5), fixture, List.of(), Map.of());
        assertTrue(quiet.contains("(`/proc/stat`) | 1.5% |"), quiet);
        String old = ReportWriter.render(info(), fixture, List.of(), Map.of());
        assertTrue(old.contains("(`/proc/stat`) | unknown |"), old);
    }

    @Test
    void theHeaderNamesEachJmhSettingWithItsRowCountAndNothingWhenUnknown() {
        Map<String, Integer> settings = new java.util.LinkedHashMap<>();
        settings.put("1 fork × (3 × 300 ms warm-up + 5 × 300 ms)", 160);
        settings.put("5 forks × (2 × 1 s warm-up + 16 × 300 ms)", 37);
        RunInfo standard = new RunInfo("standard", "cmd", "start", "end", "cpu", 2, 1L << 30, "os", "jdk", 0.1, 0.2, List.of());
        String md = ReportWriter.render(standard, fixture, List.of(), List.of(), Map.of(), settings);
        assertTrue(md.contains("| JMH settings | 160 rows: 1 fork × (3 × 300 ms warm-up + 5 × 300 ms); "
                + "37 rows: 5 forks × (2 × 1 s warm-up + 16 × 300 ms) (the rows the scheduling targets read"), md);
        String one = ReportWriter.render(info(), fixture, List.of(), List.of(), Map.of(),
                Map.of("1 fork × (1 × 150 ms warm-up + 3 × 150 ms)", 1));
        assertTrue(one.contains("| JMH settings | 1 row: 1 fork × (1 × 150 ms warm-up + 3 × 150 ms) |"), one);
        assertFalse(ReportWriter.render(info(), fixture, List.of(), Map.of()).contains("JMH settings"));
    }

    @Test
    void stealIsTheShareOfStolenTicksBetweenTwoSnapshotsOfProcStat() {
        long[] start = RunInfo.parseCpuTicks("cpu  1000 0 100 8000 10 0 40 850 0 0");
        assertArrayEquals(new long[] {850, 10_000}, start);
        long[] end = RunInfo.parseCpuTicks("cpu  1600 0 140 8400 10 0 50 1800 0 0");
        assertEquals(47.5, RunInfo.stealPercent(start[0], start[1], end), 1e-9); // 950 of 2,000 ticks
        assertNull(RunInfo.stealPercent(null, null, end));
        assertNull(RunInfo.stealPercent(start[0], start[1], start), "no time passed");
        assertNull(RunInfo.parseCpuTicks("cpu0 1 2 3 4 5 6 7 8"));
        assertNull(RunInfo.parseCpuTicks("cpu 1 2 3 4"), "a kernel without a steal column");
    }

    @Test
    void reportHasHeaderTargetsSectionsPlotsAndMissingWorkloads() {
        RunInfo info = new RunInfo("quick", "mvn -B -Pbench -DskipTests verify", "2026-01-01T00:00:00Z",
                "2026-01-01T00:06:00Z", "Test CPU", 2, 24L << 30, "Linux 6.1 (amd64)", "Java 25", 2.5, 1.0,
                List.of("spawn.SpawnJoinBench.kotlin (see the JMH log)"));
        String md = ReportWriter.render(info, fixture, List.of("bench-data/quick.json"),
                Map.of("dev.weft.bench.spawn.SkynetBench", "plots/SkynetBench.png"));
        assertTrue(md.startsWith("# Weft benchmarks"), md);
        assertTrue(md.contains("| Command | `mvn -B -Pbench -DskipTests verify`"), md);
        assertTrue(md.contains("Test CPU, 2 cores, 24.0 GiB"), md);
        assertTrue(md.contains("## Targets"), md);
        assertTrue(md.contains("## Switching: yield round trip and token ring"), md);
        assertTrue(md.contains("## Generators"), md);
        assertTrue(md.contains("### GeneratorDepthBench"), md);
        assertTrue(md.contains("![SkynetBench](plots/SkynetBench.png)"), md);
        assertTrue(md.contains("**Channels**: no channel rows in this run"), md);
        assertTrue(md.contains("**Failed in this run**: spawn.SpawnJoinBench.kotlin"), md);
        assertTrue(md.contains("The machine was busy"), md);
        assertTrue(md.indexOf("## Switching") < md.indexOf("## Spawn"), "workload order");
        assertTrue(md.indexOf("## Spawn") < md.indexOf("## Generators"), "workload order");
        assertFalse(md.contains("stackless coroutines**: no stackless rows"), "the fixture has stackless rows");
    }

    private static final String PING_PONG = "dev.weft.bench.channel.PingPongBench.";
    private static final String THROUGHPUT = "dev.weft.bench.channel.ChannelThroughputBench.";

    private static BenchResult channelRow(String benchmark, Map<String, String> params, double nsPerMessage,
                                          double alloc, double allocError) {
        return new BenchResult(benchmark, "avgt", params, nsPerMessage, 1.0, "ns/op", alloc, allocError, Map.of());
    }

    /** Rendezvous and buffered(1) ping-pong, buffered(64) throughput: Weft rows and the others. */
    private static List<BenchResult> channelRows() {
        return List.of(
                channelRow(PING_PONG + "baselineJdkQueue", Map.of("capacity", "0"), 600, 60, 1),
                channelRow(PING_PONG + "jox", Map.of("capacity", "0"), 1400, 40, 1),
                channelRow(PING_PONG + "kotlin", Map.of("capacity", "0", "dispatcher", "runBlocking"), 200, 27, 1),
                channelRow(PING_PONG + "kotlin", Map.of("capacity", "1", "dispatcher", "runBlocking"), 50, 27, 1),
                channelRow(PING_PONG + "weft", Map.of("capacity", "0", "scheduler", "fifo1"), 150, 0.01, 0.02),
                channelRow(PING_PONG + "weft", Map.of("capacity", "0", "scheduler", "workStealing2"), 250, 0.4, 0.2),
                channelRow(PING_PONG + "weft", Map.of("capacity", "1", "scheduler", "fifo1"), 100, 24, 1),
                channelRow(THROUGHPUT + "baselineArrayBlockingQueue", Map.of(), 180, 4, 1),
                channelRow(THROUGHPUT + "kotlin", Map.of("dispatcher", "Default"), 90, 26, 1),
                channelRow(THROUGHPUT + "kotlin", Map.of("dispatcher", "runBlocking"), 85, 26, 1),
                channelRow(THROUGHPUT + "weft", Map.of("scheduler", "fifo1"), 85, 0.001, Double.NaN),
                channelRow(THROUGHPUT + "weft", Map.of("scheduler", "fifo2"), 86, Double.NaN, Double.NaN));
    }

    @Test
    void rendezvousTargetComparesEachWeftRowWithTheFastestOtherRendezvousRowOfTheRun() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(channelRows());
        ReportWriter.TargetCheck fifo1 = find(checks, "Rendezvous ping-pong", "capacity=0, scheduler=fifo1");
        assertSame(Boolean.TRUE, fifo1.met(), fifo1.toString());
        assertTrue(fifo1.measured().contains("150.0 ± 1.000 ns/message vs 200.0 ± 1.000 ns/message for kotlin (capacity=0, dispatcher=runBlocking)"),
                fifo1.measured());
        assertSame(Boolean.FALSE, find(checks, "Rendezvous ping-pong", "scheduler=workStealing2").met(),
                "250 ns is slower than Kotlin's 200 ns");
        assertTrue(checks.stream().noneMatch(c -> c.target().startsWith("Rendezvous") && c.variant().contains("capacity=1")),
                "buffered(1) rows are not rendezvous rows: " + checks);
    }

    @Test
    void throughputTargetIsMetByATieWithTheFasterKotlinRow() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(channelRows());
        ReportWriter.TargetCheck tie = find(checks, "`buffered(64)` throughput", "scheduler=fifo1");
        assertSame(Boolean.TRUE, tie.met(), tie.toString());
        assertTrue(tie.measured().contains("dispatcher=runBlocking"), tie.measured());
        assertSame(Boolean.FALSE, find(checks, "`buffered(64)` throughput", "scheduler=fifo2").met());
    }

    @Test
    void zeroAllocationTargetCountsTheErrorAndSaysNotMeasuredWithoutGcData() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(channelRows());
        ReportWriter.TargetCheck zero = find(checks, "0 B allocated", "PingPongBench.weft (capacity=0, scheduler=fifo1)");
        assertSame(Boolean.TRUE, zero.met(), zero.toString());
        assertEquals("0.010 ± 0.020 B/message", zero.measured());
        assertSame(Boolean.FALSE, find(checks, "0 B allocated", "scheduler=workStealing2").met(),
                "0.4 rounds to 0 but 0.4 + 0.2 does not");
        assertSame(Boolean.FALSE, find(checks, "0 B allocated", "PingPongBench.weft (capacity=1").met());
        assertSame(Boolean.TRUE, find(checks, "0 B allocated", "ChannelThroughputBench.weft (scheduler=fifo1)").met(),
                "no error known: the norm alone decides");
        assertNull(find(checks, "0 B allocated", "ChannelThroughputBench.weft (scheduler=fifo2)").met());
    }

    @Test
    void channelTargetsAreNotMeasuredWithoutWeftRows() {
        List<BenchResult> others = channelRows().stream().filter(r -> !r.method().equals("weft")).toList();
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(others);
        for (String target : List.of("Rendezvous ping-pong", "`buffered(64)` throughput", "0 B allocated")) {
            assertNull(find(checks, target, "–").met(), target);
        }
        String md = ReportWriter.render(info(), others, List.of(), Map.of());
        assertTrue(md.contains("**Weft channels**: the channel benchmarks have no Weft rows"), md);
    }

    @Test
    void channelSectionSaysWhatItsScoresArePerAndLabelsThePublishedFigures() {
        String md = ReportWriter.render(info(), channelRows(), List.of(), Map.of());
        int section = md.indexOf("## Channels");
        assertTrue(section > 0, md);
        assertTrue(md.indexOf("### PingPongBench") > section, md);
        assertTrue(md.indexOf("### ChannelThroughputBench") > section, md);
        assertTrue(md.contains("**Published figures from elsewhere, not measured here:** jox's own benchmark table "
                + "(Apple M1 Max) gives rendezvous channels: jox 199 ns, Kotlin 108 ns; `buffered(16)`: jox 201 ns, "
                + "Kotlin 36 ns."), md);
        assertTrue(md.contains("per message"), md);
        assertFalse(md.contains("**Channels**: no channel rows"), md);
        String table = ReportWriter.table(channelRows().stream()
                .filter(r -> r.simpleClassName().equals("PingPongBench")).toList());
        assertTrue(table.contains("| weft | capacity=0, scheduler=fifo1 | 150.0 | ± 1.000 | ns/op | 0.25× | 0.010 |"), table);
    }

    private static final String EXECUTOR = "dev.weft.bench.executor.ExecutorBench.";
    private static final String BLOCKING = "dev.weft.bench.executor.BlockingTaskBench.";
    private static final String VT_SCHEDULER = "dev.weft.bench.executor.VirtualThreadSchedulerBench.";

    /**
     * One entry as JMH writes it, with a {@code carriersAdded} event counter when
     * {@code carriersPerIteration} is given: JMH's score for it is the sum of the iterations.
     */
    private static String jmhEntry(String benchmark, String params, double score, double error, String unit,
                                   double... carriersPerIteration) {
        StringBuilder secondary = new StringBuilder();
        if (carriersPerIteration.length > 0) {
            double sum = 0;
            StringBuilder raw = new StringBuilder();
            for (double c : carriersPerIteration) {
                sum += c;
                raw.append(raw.isEmpty() ? "" : ", ").append(c);
            }
            secondary.append("\"carriersAdded\": {\"score\": ").append(sum)
                    .append(", \"scoreError\": \"NaN\", \"scoreUnit\": \"#\", \"rawData\": [[").append(raw).append("]]}");
        }
        return "{\"benchmark\": \"" + benchmark + "\", \"mode\": \"avgt\", \"params\": {" + params + "}, "
                + "\"primaryMetric\": {\"score\": " + score + ", \"scoreError\": " + error + ", \"scoreUnit\": \""
                + unit + "\"}, \"secondaryMetrics\": {" + secondary + "}}";
    }

    /**
     * The three executor classes as synthetic JMH JSON. ExecutorBench: the virtual-thread mode
     * beats VT-per-task on fan-out and ties it within the errors but loses on sequential; the raw
     * fibers beat every JDK executor on fan-out (the bare fibers are faster still, but are no
     * contender). BlockingTaskBench: the virtual-thread mode meets on sleep by a tie, misses on
     * handOff. VirtualThreadSchedulerBench: yield and ping-pong met on workStealing2, spawn+join
     * missed on fifo2.
     */
    private static List<BenchResult> executorRows() {
        String fan = "\"pattern\": \"fanOut\"";
        String seq = "\"pattern\": \"sequential\"";
        String sleep = "\"pattern\": \"sleep\"";
        String handOff = "\"pattern\": \"handOff\"";
        String ws2 = "\"scheduler\": \"workStealing2\"";
        String fifo2 = "\"scheduler\": \"fifo2\"";
        return JmhJson.parse("[" + String.join(",\n",
                jmhEntry(EXECUTOR + "baselineThreadPoolExecutor", fan, 192, 10, "ns/op"),
                jmhEntry(EXECUTOR + "baselineThreadPoolExecutor", seq, 30000, 2000, "ns/op"),
                jmhEntry(EXECUTOR + "forkJoinPool", fan, 377, 20, "ns/op"),
                jmhEntry(EXECUTOR + "forkJoinPool", seq, 25000, 2000, "ns/op"),
                jmhEntry(EXECUTOR + "virtualThreadPerTask", fan, 618, 30, "ns/op"),
                jmhEntry(EXECUTOR + "virtualThreadPerTask", seq, 20000, 1000, "ns/op"),
                jmhEntry(EXECUTOR + "weftVirtualThreadMode", fan, 500, 20, "ns/op"),
                jmhEntry(EXECUTOR + "weftVirtualThreadMode", seq, 20500, 1000, "ns/op"),
                jmhEntry(EXECUTOR + "weftRawFiberMode", fan, 150, 5, "ns/op"),
                jmhEntry(EXECUTOR + "weftRawFiberMode", seq, 15000, 1000, "ns/op"),
                jmhEntry(EXECUTOR + "weftFibersWithoutExecutor", fan, 100, 5, "ns/op"),
                jmhEntry(EXECUTOR + "weftFibersWithoutExecutor", seq, 14000, 1000, "ns/op"),
                jmhEntry(BLOCKING + "baselineThreadPool200", sleep, 7.0, 0.5, "us/op"),
                jmhEntry(BLOCKING + "baselineThreadPool200", handOff, 3.0, 0.2, "us/op"),
                jmhEntry(BLOCKING + "threadPool2", sleep, 550.0, 10, "us/op"),
                jmhEntry(BLOCKING + "virtualThreadPerTask", sleep, 6.0, 0.5, "us/op"),
                jmhEntry(BLOCKING + "virtualThreadPerTask", handOff, 1.0, 0.1, "us/op"),
                jmhEntry(BLOCKING + "weftVirtualThreadMode", sleep, 6.0, 0.4, "us/op", 0, 0, 0),
                jmhEntry(BLOCKING + "weftVirtualThreadMode", handOff, 1.5, 0.1, "us/op", 0, 0, 0),
                jmhEntry(BLOCKING + "weftRawFiberMode", sleep, 9.0, 1.0, "us/op", 40, 50, 60),
                jmhEntry(VT_SCHEDULER + "baselineJdkYield", "", 300, 10, "ns/op"),
                jmhEntry(VT_SCHEDULER + "weftYield", ws2, 250, 10, "ns/op"),
                jmhEntry(VT_SCHEDULER + "jdkSpawnJoin", "", 900, 50, "ns/op"),
                jmhEntry(VT_SCHEDULER + "weftSpawnJoin", fifo2, 1200, 50, "ns/op"),
                jmhEntry(VT_SCHEDULER + "jdkPingPong", "", 700, 30, "ns/op"),
                jmhEntry(VT_SCHEDULER + "weftPingPong", ws2, 700, 30, "ns/op")) + "]");
    }

    @Test
    void executorSectionNamesTheExecutorOfEveryRowAndShowsWeftsModesBesideTheJdkExecutors() {
        List<BenchResult> rows = executorRows();
        String md = ReportWriter.render(info(), rows, List.of(), Map.of());
        int section = md.indexOf("## Executors");
        assertTrue(section > 0, md);
        assertTrue(md.contains("| `virtualThreadPerTask` | `Executors.newVirtualThreadPerTaskExecutor()`"), md);
        assertTrue(md.contains("| `weftVirtualThreadMode` | Weft, virtual-thread mode: `FiberExecutors.newFiberPerTaskExecutor`"),
                md);
        assertTrue(md.contains("| `weftRawFiberMode` | Weft, raw-fiber mode: `FiberExecutors.newRawFiberPerTaskExecutor`"), md);
        int executor = md.indexOf("### ExecutorBench");
        int blocking = md.indexOf("### BlockingTaskBench");
        int vts = md.indexOf("### VirtualThreadSchedulerBench");
        assertTrue(section < executor && executor < blocking && blocking < vts, "class order: " + md);
        assertTrue(md.contains("What does an `ExecutorService` user pay per short task?"), md);
        assertTrue(md.contains("What does code that blocks the old way cost on each executor?"), md);
        assertTrue(md.contains("Does a JDK virtual thread run as well on a Weft scheduler as on the JDK's own?"), md);
        String table = ReportWriter.table(rows.stream().filter(r -> r.simpleClassName().equals("ExecutorBench")).toList());
        for (String method : List.of("baselineThreadPoolExecutor", "forkJoinPool", "virtualThreadPerTask",
                "weftVirtualThreadMode", "weftRawFiberMode", "weftFibersWithoutExecutor")) {
            assertTrue(table.contains("| " + method + " | pattern=fanOut |"), method + " in " + table);
        }
        assertTrue(table.contains("| weftRawFiberMode | pattern=fanOut | 150.0 | ± 5.000 | ns/op | 0.78× | – |"), table);
        assertFalse(md.contains("does not exist yet"), md);
        assertFalse(md.contains("**Executors**: no executor rows"), md);
        assertFalse(md.contains("**Weft executors**"), md);
    }

    @Test
    void blockingTableShowsTheCarriersAddedPerMeasuredIterationOnWeftRowsOnly() {
        List<BenchResult> blocking = executorRows().stream()
                .filter(r -> r.simpleClassName().equals("BlockingTaskBench")).toList();
        BenchResult raw = blocking.stream()
                .filter(r -> r.method().equals("weftRawFiberMode") && r.params().get("pattern").equals("sleep"))
                .findFirst().orElseThrow();
        assertEquals(Map.of("carriersAdded", new BenchResult.Metric(50.0, "#")), raw.extraMetrics(),
                "JMH's sum of 150 over three iterations is 50 per iteration");
        String table = ReportWriter.table(blocking);
        assertTrue(table.split("\n")[0].endsWith("| Other metrics |"), table);
        assertTrue(table.contains("| weftRawFiberMode | pattern=sleep | 9.000 | ± 1.000 | us/op | 1.29× | – | carriersAdded 50.0 |"),
                table);
        assertTrue(table.contains("| weftVirtualThreadMode | pattern=sleep | 6.000 | ± 0.400 | us/op | 0.86× | – | carriersAdded 0.000 |"),
                table);
        assertTrue(table.contains("| virtualThreadPerTask | pattern=sleep | 6.000 | ± 0.500 | us/op | 0.86× | – | – |"), table);
        assertTrue(table.contains("| baselineThreadPool200 | pattern=handOff | 3.000 | ± 0.200 | us/op | 1.00× (baseline) |"),
                table);
    }

    @Test
    void virtualThreadModeTargetComparesEachPatternWithNewVirtualThreadPerTaskExecutorsRowOfThatPattern() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(executorRows());
        ReportWriter.TargetCheck fan = find(checks, "`newVirtualThreadPerTaskExecutor()` (ExecutorBench",
                "ExecutorBench.weftVirtualThreadMode (pattern=fanOut)");
        assertSame(Boolean.TRUE, fan.met(), fan.toString());
        assertEquals("500.0 ± 20.0 ns/task vs 618.0 ± 30.0 ns/task for virtualThreadPerTask (pattern=fanOut) (0.81×)",
                fan.measured());
        ReportWriter.TargetCheck seq = find(checks, "`newVirtualThreadPerTaskExecutor()` (ExecutorBench",
                "ExecutorBench.weftVirtualThreadMode (pattern=sequential)");
        assertSame(Boolean.FALSE, seq.met(), "20.5 µs is slower than 20.0 µs: " + seq);
        assertTrue(seq.measured().endsWith("; the 99.9% intervals overlap"), seq.measured());
        ReportWriter.TargetCheck sleep = find(checks, "`newVirtualThreadPerTaskExecutor()` (BlockingTaskBench",
                "BlockingTaskBench.weftVirtualThreadMode (pattern=sleep)");
        assertSame(Boolean.TRUE, sleep.met(), "a tie meets 'at least as fast': " + sleep);
        assertTrue(sleep.measured().contains("6,000 ± 400.0 ns/task vs 6,000 ± 500.0 ns/task"), sleep.measured());
        assertSame(Boolean.FALSE, find(checks, "`newVirtualThreadPerTaskExecutor()` (BlockingTaskBench",
                "(pattern=handOff)").met());
        assertTrue(checks.stream().noneMatch(c -> c.target().startsWith("Virtual-thread mode")
                && c.variant().contains("weftRawFiberMode")), checks.toString());
    }

    @Test
    void rawFiberTargetIsAgainstTheFastestJdkExecutorOnFanOutOnly() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(executorRows());
        List<ReportWriter.TargetCheck> raw = checks.stream().filter(c -> c.target().startsWith("Raw-fiber mode")).toList();
        assertEquals(1, raw.size(), "sequential rows are not checked: " + raw);
        assertEquals("ExecutorBench.weftRawFiberMode (pattern=fanOut)", raw.get(0).variant());
        assertSame(Boolean.TRUE, raw.get(0).met(), raw.get(0).toString());
        assertTrue(raw.get(0).measured().contains("for baselineThreadPoolExecutor (pattern=fanOut)"),
                "the bare fibers (100 ns) are Weft's floor, not a contender: " + raw.get(0).measured());
        List<BenchResult> slower = executorRows().stream()
                .map(r -> r.method().equals("weftRawFiberMode") ? new BenchResult(r.benchmark(), r.mode(), r.params(),
                        192, r.scoreError(), r.unit(), r.allocBytesPerOp()) : r).toList();
        assertSame(Boolean.FALSE, find(ReportWriter.targets(slower), "Raw-fiber mode", "fanOut").met(),
                "a tie with ThreadPoolExecutor is not ahead");
    }

    @Test
    void virtualThreadSchedulerTargetsPairEachWeftPatternWithItsJdkPattern() {
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(executorRows());
        ReportWriter.TargetCheck yield = find(checks, "`weftYield` vs `baselineJdkYield`", "scheduler=workStealing2");
        assertSame(Boolean.TRUE, yield.met(), yield.toString());
        assertEquals("250.0 ± 10.0 ns/yield vs 300.0 ± 10.0 ns/yield for baselineJdkYield (0.83×)", yield.measured());
        ReportWriter.TargetCheck spawn = find(checks, "`weftSpawnJoin` vs `jdkSpawnJoin`", "scheduler=fifo2");
        assertSame(Boolean.FALSE, spawn.met(), spawn.toString());
        assertTrue(spawn.measured().contains("ns/thread vs 900.0 ± 50.0 ns/thread for jdkSpawnJoin"), spawn.measured());
        ReportWriter.TargetCheck pingPong = find(checks, "`weftPingPong` vs `jdkPingPong`", "scheduler=workStealing2");
        assertSame(Boolean.TRUE, pingPong.met(), "'at or under': a tie meets: " + pingPong);
        assertTrue(pingPong.measured().endsWith("; the 99.9% intervals overlap"), pingPong.measured());
    }

    @Test
    void executorTargetsAreNotMeasuredWithoutWeftRows() {
        List<BenchResult> jdkOnly = executorRows().stream().filter(r -> !r.method().startsWith("weft")).toList();
        List<ReportWriter.TargetCheck> checks = ReportWriter.targets(jdkOnly);
        for (String target : List.of("`newVirtualThreadPerTaskExecutor()` (ExecutorBench",
                "`newVirtualThreadPerTaskExecutor()` (BlockingTaskBench", "Raw-fiber mode", "`weftYield`",
                "`weftSpawnJoin`", "`weftPingPong`")) {
            assertNull(find(checks, target, "–").met(), target);
        }
        assertTrue(ReportWriter.render(info(), jdkOnly, List.of(), Map.of())
                .contains("**Weft executors**: the executor benchmarks have no Weft rows"));
        assertTrue(ReportWriter.render(info(), channelRows(), List.of(), Map.of())
                .contains("**Executors**: no executor rows in this run"));
        List<BenchResult> noVirtualThreadPerTask = executorRows().stream()
                .filter(r -> !r.method().equals("virtualThreadPerTask")).toList();
        ReportWriter.TargetCheck alone = find(ReportWriter.targets(noVirtualThreadPerTask),
                "`newVirtualThreadPerTaskExecutor()` (ExecutorBench", "fanOut");
        assertNull(alone.met(), alone.toString());
        assertTrue(alone.measured().endsWith("no other contender in this run"), alone.measured());
    }

    @Test
    void theAllocationErrorIsReadFromJmhJsonAndKeptByWrite(@TempDir Path dir) throws IOException {
        BenchResult r = JmhJson.parse("""
                [{"benchmark": "a.B.c", "mode": "avgt",
                  "primaryMetric": {"score": 10.0, "scoreError": 1.0, "scoreUnit": "ns/op"},
                  "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 0.25, "scoreError": 0.125, "scoreUnit": "B/op"}}}]
                """).get(0);
        assertEquals(0.25, r.allocBytesPerOp());
        assertEquals(0.125, r.allocError());
        Path file = dir.resolve("alloc.json");
        JmhJson.write(file, List.of(r));
        assertEquals(0.125, JmhJson.read(file).get(0).allocError());
    }

    @Test
    void writeThenReadKeepsTheRows(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("memory.json");
        BenchResult r = new BenchResult("dev.weft.bench.memory.RetainedMemory.weftFiber", "ss", Map.of("depth", "1"),
                281.5, Double.NaN, "B/task", Double.NaN, Map.of("frames", new BenchResult.Metric(3, "#")));
        JmhJson.write(file, List.of(r));
        List<BenchResult> back = JmhJson.read(file);
        assertEquals(1, back.size());
        assertEquals(r.benchmark(), back.get(0).benchmark());
        assertEquals(Map.of("depth", "1"), back.get(0).params());
        assertEquals(281.5, back.get(0).score());
        assertTrue(Double.isNaN(back.get(0).scoreError()));
        assertTrue(Double.isNaN(back.get(0).allocBytesPerOp()));
        assertEquals(r.extraMetrics(), back.get(0).extraMetrics());
    }

    @Test
    void runInfoRoundTrips(@TempDir Path dir) throws IOException {
        RunInfo info = RunInfo.capture("quick", "cmd", "2026-01-01T00:00:00Z").finished("2026-01-01T00:01:00Z",
                List.of("x failed"));
        Path file = dir.resolve("run.json");
        info.write(file);
        RunInfo back = RunInfo.read(file);
        assertEquals(info.profile(), back.profile());
        assertEquals(info.cores(), back.cores());
        assertEquals(List.of("x failed"), back.failures());
        assertThrows(IOException.class, () -> RunInfo.read(dir.resolve("missing.json")));
    }

    @Test
    void plotsArePngFilesOnePerClassAndTheDepthSweepIsDetected(@TempDir Path dir) throws IOException {
        Map<String, Path> plots = Plots.write(fixture, dir);
        assertEquals(ReportWriter.byClass(fixture).keySet(), plots.keySet());
        for (Path p : plots.values()) {
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(p)) {
                assertEquals(4, in.read(head));
            }
            assertEquals((byte) 0x89, head[0], "PNG signature in " + p);
            assertEquals('P', head[1]);
            assertEquals('N', head[2]);
            assertEquals('G', head[3]);
        }
        assertNotNull(plots.get("dev.weft.bench.generator.GeneratorDepthBench"));
        assertTrue(Plots.isSweep(classRows("GeneratorDepthBench")));
        assertFalse(Plots.isSweep(classRows("RingBench")), "two sizes, no depth param: a bar chart");
    }

    @Test
    void widelySpreadScoresGetALogarithmicBarChartAndSweepsWithNonPositiveValuesStillDraw(@TempDir Path dir)
            throws IOException {
        List<BenchResult> wide = List.of(
                new BenchResult("x.Wide.baseline", "avgt", Map.of(), 1.0, 5.0, "ns/op", Double.NaN),
                new BenchResult("x.Wide.slow", "avgt", Map.of(), 5000.0, 9000.0, "ns/op", Double.NaN));
        assertTrue(Files.size(Plots.write(wide, dir).get("x.Wide")) > 0);
        List<BenchResult> sweep = List.of(
                new BenchResult("x.Sweep.m", "ss", Map.of("depth", "1"), 10, Double.NaN, "B", Double.NaN),
                new BenchResult("x.Sweep.m", "ss", Map.of("depth", "10"), -3, Double.NaN, "B", Double.NaN),
                new BenchResult("x.Sweep.m", "ss", Map.of("depth", "100"), 30, Double.NaN, "B", Double.NaN));
        assertTrue(Files.size(Plots.write(sweep, dir).get("x.Sweep")) > 0);
    }

    @Test
    void badBenchmarkNamesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BenchResult("noDot", "avgt", Map.of(), 1, 0, "ns/op", Double.NaN));
        assertTrue(e.getMessage().contains("noDot"));
    }
}
