package dev.weft.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stackful-against-stackless section, on synthetic rows. */
class BackendComparisonTest {
    private static final String RING = "dev.weft.bench.generator.SchedulerRingBench.hops";
    private static final String SKYNET = "dev.weft.bench.generator.SchedulerSkynetBench.skynet";

    private static BenchResult row(String benchmark, String backend, String depth, double score, double error,
                                   String unit) {
        Map<String, String> params = depth == null
                ? Map.of("backend", backend, "scheduler", "workStealing1")
                : Map.of("backend", backend, "depth", depth, "scheduler", "workStealing1");
        return new BenchResult(benchmark, "avgt", params, score, error, unit, Double.NaN);
    }

    private static List<BenchResult> ringRows() {
        return List.of(
                row(RING, "stackful", "1", 200, 10, "ns/op"),
                row(RING, "stackful", "100", 900, 20, "ns/op"),
                row(RING, "stackless", "1", 100, 5, "ns/op"),
                row(RING, "stackless", "100", 1800, 30, "ns/op"));
    }

    private static RunInfo info() {
        return new RunInfo("quick", "cmd", "start", "end", "cpu", 2, 1L << 30, "os", "jdk", 0.1, 0.2, List.of());
    }

    @Test
    void pairsEachStackfulRowWithTheStacklessRowOfTheSameOtherParams() {
        List<BackendComparison.Pair> pairs = BackendComparison.pairs(ringRows());
        assertEquals(2, pairs.size());
        assertEquals("SchedulerRingBench.hops", pairs.get(0).benchmark());
        assertEquals(Map.of("depth", "1", "scheduler", "workStealing1"), pairs.get(0).params());
        assertEquals(0.5, pairs.get(0).ratio(), 1e-9);
        assertEquals(2.0, pairs.get(1).ratio(), 1e-9);
        assertEquals("stackless", pairs.get(0).winner());
        assertEquals("stackful", pairs.get(1).winner());
    }

    @Test
    void overlappingErrorsNameNoWinner() {
        BackendComparison.Pair p = BackendComparison.pairs(List.of(
                row(SKYNET, "stackful", null, 100, 6, "ms/op"),
                row(SKYNET, "stackless", null, 110, 5, "ms/op"))).get(0);
        assertNull(p.winner(), "|110 - 100| <= 6 + 5: the intervals overlap");
        BackendComparison.Pair apart = BackendComparison.pairs(List.of(
                row(SKYNET, "stackful", null, 100, 4, "ms/op"),
                row(SKYNET, "stackless", null, 110, 5, "ms/op"))).get(0);
        assertEquals("stackful", apart.winner());
        BackendComparison.Pair unknown = BackendComparison.pairs(List.of(
                row(SKYNET, "stackful", null, 100, Double.NaN, "ms/op"),
                row(SKYNET, "stackless", null, 10, 1, "ms/op"))).get(0);
        assertNull(unknown.winner(), "no error, no verdict");
    }

    @Test
    void ratioConvertsUnits() {
        BackendComparison.Pair p = BackendComparison.pairs(List.of(
                row(SKYNET, "stackful", null, 2, 0.1, "ms/op"),
                row(SKYNET, "stackless", null, 1000, 10, "us/op"))).get(0);
        assertEquals(0.5, p.ratio(), 1e-9);
        assertEquals("stackless", p.winner());
    }

    @Test
    void verdictNamesTheDepthAtWhichEachWinsAndOnlyTheParamsThatVary() {
        String v = BackendComparison.verdict(BackendComparison.pairs(ringRows()));
        assertEquals("At depth 1, stackless wins (stackless/stackful 0.50×); "
                + "at depth 100, stackful wins (stackless/stackful 2.00×).", v);
        String skynet = BackendComparison.verdict(BackendComparison.pairs(List.of(
                row(SKYNET, "stackful", null, 100, 6, "ms/op"),
                row(SKYNET, "stackless", null, 110, 5, "ms/op"))));
        assertEquals("Within error (stackless/stackful 1.10×).", skynet);
        String unknown = BackendComparison.verdict(BackendComparison.pairs(List.of(
                row(SKYNET, "stackful", null, 100, Double.NaN, "ms/op"),
                row(SKYNET, "stackless", null, 10, Double.NaN, "ms/op"))));
        assertEquals("No error estimate (stackless/stackful 0.10×).", unknown);
    }

    @Test
    void benchmarksComeInTheIssuesOrderWhateverTheRowOrder() {
        List<BenchResult> rows = new java.util.ArrayList<>();
        rows.add(row(SKYNET, "stackful", null, 100, 6, "ms/op"));
        rows.add(row(SKYNET, "stackless", null, 110, 5, "ms/op"));
        rows.addAll(ringRows());
        assertEquals(List.of("SchedulerRingBench.hops", "SchedulerRingBench.hops", "SchedulerSkynetBench.skynet"),
                BackendComparison.pairs(rows).stream().map(BackendComparison.Pair::benchmark).toList());
    }

    @Test
    void rowsWithoutTheirOtherBackendAreLeftOut() {
        List<BenchResult> rows = List.of(
                row(RING, "stackful", "1", 200, 10, "ns/op"),
                row(RING, "stackless", "100", 1800, 30, "ns/op"),
                new BenchResult("dev.weft.bench.switching.YieldBench.weft", "avgt", Map.of("scheduler", "fifo1"),
                        100, 1, "ns/op", Double.NaN));
        assertTrue(BackendComparison.pairs(rows).isEmpty());
        StringBuilder sb = new StringBuilder();
        BackendComparison.section(sb, rows);
        assertEquals("", sb.toString());
    }

    @Test
    void reportHasTheSectionWithATablePerWorkloadAndItsSentence() {
        List<BenchResult> rows = new java.util.ArrayList<>(ringRows());
        rows.add(row(SKYNET, "stackful", null, 100, 6, "ms/op"));
        rows.add(row(SKYNET, "stackless", null, 110, 5, "ms/op"));
        String md = ReportWriter.render(info(), rows, List.of(), Map.of());
        int section = md.indexOf("## " + BackendComparison.TITLE);
        assertTrue(section > 0, md);
        String text = md.substring(section);
        assertTrue(text.contains("### SchedulerRingBench.hops\n\n| Params | Stackful | Stackless | Unit | Stackless/stackful |"), text);
        assertTrue(text.contains("| depth=1, scheduler=workStealing1 | 200.0 ± 10.0 | 100.0 ± 5.000 | ns/op | 0.50× |"), text);
        assertTrue(text.contains("| depth=100, scheduler=workStealing1 | 900.0 ± 20.0 | 1,800 ± 30.0 | ns/op | 2.00× |"), text);
        assertTrue(text.contains("### SchedulerSkynetBench.skynet"), text);
        assertTrue(text.contains("| scheduler=workStealing1 | 100.0 ± 6.000 | 110.0 ± 5.000 | ms/op | 1.10× |"), text);
        assertTrue(text.contains("Within error (stackless/stackful 1.10×)."), text);
        assertTrue(text.indexOf("SchedulerRingBench.hops") < text.indexOf("SchedulerSkynetBench.skynet"));
        assertFalse(ReportWriter.render(info(), List.of(ringRows().get(0)), List.of(), Map.of())
                .contains(BackendComparison.TITLE), "no pair, no section");
    }
}
