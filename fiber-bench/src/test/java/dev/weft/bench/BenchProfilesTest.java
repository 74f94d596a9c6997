package dev.weft.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.bench.report.BenchResult;
import dev.weft.bench.report.JmhJson;
import dev.weft.bench.report.ReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profiles of the benchmark run: the standard profile's passes, the merge of their results, and how the report names their settings. */
class BenchProfilesTest {

    @Test
    void standardMeasuresTheTargetRowsAtLengthThenEveryRowBriefly() {
        BenchMain.Profile standard = BenchMain.Profile.named("standard");
        List<BenchMain.Pass> passes = BenchMain.passes("standard", standard, null);
        assertTrue(passes.size() >= 2, passes.toString());
        BenchMain.Pass last = passes.get(passes.size() - 1);
        assertEquals(new BenchMain.Pass("dev\\.weft\\.bench\\..*", null, standard), last, "the light pass runs every row");
        for (BenchMain.Pass p : passes.subList(0, passes.size() - 1)) {
            assertSame(BenchMain.Profile.TARGETS, p.profile(), p.toString());
            assertNull(p.exclude());
        }
        assertTrue(BenchMain.Profile.TARGETS.forks() >= 3, "a target row comes from more than two JVMs");
        assertTrue(BenchMain.Profile.TARGETS.forks() * BenchMain.Profile.TARGETS.iterations() >= 60,
                "about 60 iterations bring a 20%-noisy row's 99.9% error under 10%");
    }

    /**
     * The rows the target passes make, worked out the way JMH selects them (the include pattern
     * found in the name, a pass's parameter values replacing the declared ones), are exactly the
     * rows the scheduling targets read.
     */
    @Test
    void theTargetPassesRunExactlyTheRowsTheSchedulingTargetsRead() {
        List<BenchmarkListEntry> entries = new ArrayList<>(BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(".*"), List.of()));
        List<BenchResult> every = new ArrayList<>();
        for (BenchmarkListEntry e : entries) {
            for (Map<String, String> c : BenchMain.combinations(BenchMain.declaredParams(e))) {
                every.add(new BenchResult(e.getUsername(), "avgt", c, 1.0, 0.0, "ns/op", 0.0));
            }
        }
        Set<String> expected = new TreeSet<>();
        for (BenchResult r : ReportWriter.schedulingBasis(every)) {
            expected.add(r.benchmark() + " " + new TreeMap<>(r.params()));
        }
        Set<String> run = new TreeSet<>();
        int runs = 0;
        for (BenchMain.Pass p : BenchMain.targetPasses(entries)) {
            for (BenchmarkListEntry e : entries) {
                if (Pattern.compile(p.include()).matcher(e.getUsername()).find()) {
                    Map<String, List<String>> params = BenchMain.declaredParams(e);
                    params.replaceAll((name, declared) -> p.params().getOrDefault(name, declared));
                    for (Map<String, String> c : BenchMain.combinations(params)) {
                        run.add(e.getUsername() + " " + c);
                        runs++;
                    }
                }
            }
        }
        assertEquals(expected, run);
        assertEquals(run.size(), runs, "no row is run twice");
        for (String row : List.of("dev.weft.bench.switching.RingBench.kotlin {size=1000}",
                "dev.weft.bench.switching.YieldBench.weft {scheduler=workStealing2}",
                "dev.weft.bench.switching.YieldBench.rawContinuationLegacyLocking {}",
                "dev.weft.bench.spawn.SkynetBench.floorRawContinuations {}",
                "dev.weft.bench.idle.IdleWakeBench.forkJoinPool {idleGapMicros=1000}")) {
            assertTrue(run.contains(row), row + " in " + run);
        }
        for (String row : List.of("dev.weft.bench.switching.RingBench.kotlin {size=100000}",
                "dev.weft.bench.switching.YieldBench.weft {scheduler=workStealing1}",
                "dev.weft.bench.switching.YieldBench.virtualThread {}",
                "dev.weft.bench.idle.IdleWakeBench.forkJoinPool {idleGapMicros=0}")) {
            assertFalse(run.contains(row), row);
        }
    }

    @Test
    void otherProfilesAndPartialRunsAreOnePass() {
        for (String name : List.of("quick", "full", "smoke")) {
            List<BenchMain.Pass> passes = BenchMain.passes(name, BenchMain.Profile.named(name), null);
            assertEquals(1, passes.size(), name);
            assertNull(passes.get(0).exclude());
        }
        List<BenchMain.Pass> partial = BenchMain.passes("standard", BenchMain.Profile.named("standard"), "YieldBench");
        assertEquals(List.of(new BenchMain.Pass("YieldBench", null, BenchMain.Profile.TARGETS)), partial);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchMain.Profile.named("fast"));
        assertTrue(e.getMessage().contains("standard"), e.getMessage());
    }

    @Test
    void theTargetRowsReplaceTheirLightTwinsInTheLightPassOrder(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("target.json"), """
                [{"benchmark": "x.A.b", "params": {"s": "2"}, "forks": 4}, {"benchmark": "x.A.z", "forks": 4}]""");
        Path light = Files.writeString(dir.resolve("light.json"), """
                [{"benchmark": "x.A.a", "forks": 1}, {"benchmark": "x.A.b", "params": {"s": "1"}, "forks": 1},
                 {"benchmark": "x.A.b", "params": {"s": "2"}, "forks": 1}, {"benchmark": "x.A.c", "forks": 1}]""");
        Path into = dir.resolve("all.json");
        JmhJson.overlay(List.of(target, dir.resolve("missing.json")), light, into);
        JsonArray all = JsonParser.parseString(Files.readString(into)).getAsJsonArray();
        List<String> rows = new ArrayList<>();
        for (var e : all) {
            JsonObject o = e.getAsJsonObject();
            rows.add(o.get("benchmark").getAsString() + (o.has("params") ? o.get("params").toString() : "")
                    + " " + o.get("forks").getAsInt());
        }
        assertEquals(List.of("x.A.a 1", "x.A.b{\"s\":\"1\"} 1", "x.A.b{\"s\":\"2\"} 4", "x.A.c 1", "x.A.z 4"), rows);
    }

    @Test
    void theReportNamesTheSettingsOfItsRowsMostRowsFirst(@TempDir Path dir) throws IOException {
        Path json = Files.writeString(dir.resolve("r.json"), """
                [{"benchmark": "x.A.a", "forks": 4, "warmupIterations": 2, "warmupTime": "1 s",
                  "measurementIterations": 16, "measurementTime": "300 ms"},
                 {"benchmark": "x.A.b", "forks": 1, "warmupIterations": 3, "warmupTime": "300 ms",
                  "measurementIterations": 5, "measurementTime": "300 ms"},
                 {"benchmark": "x.A.c", "forks": 1, "warmupIterations": 3, "warmupTime": "300 ms",
                  "measurementIterations": 5, "measurementTime": "300 ms"},
                 {"benchmark": "x.A.d"}]""");
        assertEquals(Map.of("1 fork × (3 × 300 ms warm-up + 5 × 300 ms)", 2, "4 forks × (2 × 1 s warm-up + 16 × 300 ms)", 1),
                JmhJson.settings(json));
        assertEquals(List.of("1 fork × (3 × 300 ms warm-up + 5 × 300 ms)", "4 forks × (2 × 1 s warm-up + 16 × 300 ms)"),
                List.copyOf(JmhJson.settings(json).keySet()));
        assertTrue(JmhJson.settings(dir.resolve("none.json")).isEmpty());
    }
}
