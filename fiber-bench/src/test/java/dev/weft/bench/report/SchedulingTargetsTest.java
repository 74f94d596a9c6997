package dev.weft.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduling-performance targets, on both the default rows and the legacy-locking rows of a run. */
class SchedulingTargetsTest {

    private static BenchResult r(String cls, String method, Map<String, String> params, double score, double error, String unit) {
        return new BenchResult("dev.weft.bench.x." + cls + "." + method, "avgt", params, score, error, unit, 0);
    }

    private static final List<BenchResult> RUN = List.of(
            r("YieldBench", "baselineRawContinuation", Map.of(), 100, 2, "ns/op"),
            r("YieldBench", "weft", Map.of("scheduler", "workStealing2"), 1900, 50, "ns/op"),
            r("YieldBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2"), 104, 3, "ns/op"),
            r("YieldBench", "weftLegacyLocking", Map.of("scheduler", "fifo2"), 120, 2, "ns/op"),
            r("RingBench", "baselineRawContinuation", Map.of("size", "1000"), 140, 5, "ns/op"),
            r("RingBench", "kotlin", Map.of("size", "1000"), 250, 10, "ns/op"),
            r("RingBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2", "size", "1000"), 200, 10, "ns/op"),
            r("SkynetBench", "kotlin", Map.of(), 800, 40, "ms/op"),
            r("SkynetBench", "weft", Map.of("scheduler", "workStealing2"), 2400, 100, "ms/op"),
            r("SkynetBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2"), 290, 30, "ms/op"),
            r("IdleWakeBench", "forkJoinPool", Map.of("idleGapMicros", "1000"), 140, 10, "us/op"),
            r("IdleWakeBench", "weft", Map.of("idleGapMicros", "1000", "scheduler", "workStealing2"), 330, 20, "us/op"));

    private static List<ReportWriter.TargetCheck> named(String prefix) {
        return named(RUN, prefix);
    }

    /** The checks of {@code run} whose target starts with {@code prefix}, in table order. */
    private static List<ReportWriter.TargetCheck> named(List<BenchResult> run, String prefix) {
        return SchedulingTargets.check(run).stream().filter(c -> c.target().startsWith(prefix)).toList();
    }

    @Test
    void theYieldTargetJudgesEachRowAgainstTheFloor() {
        List<ReportWriter.TargetCheck> ws = named("Yield on work-stealing(2)");
        assertEquals(2, ws.size());
        assertEquals("YieldBench.weft (scheduler=workStealing2)", ws.get(0).variant());
        assertEquals(Boolean.FALSE, ws.get(0).met());
        assertTrue(ws.get(0).measured().startsWith("19.00× the floor"), ws.get(0).measured());
        assertEquals(Boolean.TRUE, ws.get(1).met(), ws.get(1).measured()); // 1.04×
        assertTrue(ws.get(1).measured().contains("the bound is inside the error"), ws.get(1).measured());
        assertEquals(Boolean.TRUE, named("Yield on fifo(n)").get(0).met()); // 1.20×
    }

    @Test
    void contenderTargetsCompareWithTheSameRun() {
        ReportWriter.TargetCheck ring = named("Ring of 1,000").get(0);
        assertEquals(Boolean.TRUE, ring.met(), ring.measured()); // 200 vs Kotlin's 250
        List<ReportWriter.TargetCheck> skynet = named("Skynet 1M on work-stealing(2) at least 2×");
        assertEquals(Boolean.FALSE, skynet.get(0).met()); // 2,400 vs 800 ms: 3× Kotlin's time
        assertEquals(Boolean.TRUE, skynet.get(1).met()); // 290 ms: 0.36× Kotlin's time
        ReportWriter.TargetCheck idle = named("Idle wake-up").get(0);
        assertEquals(Boolean.FALSE, idle.met(), idle.measured());
        assertTrue(idle.measured().contains("for forkJoinPool"), idle.measured());
    }

    @Test
    void aBoundInMillisecondsIsCheckedInTheRowsUnit() {
        List<ReportWriter.TargetCheck> under = named("Skynet 1M under 0.3 s");
        assertEquals(Boolean.FALSE, under.get(0).met());
        assertEquals(Boolean.TRUE, under.get(1).met());
        assertTrue(under.get(1).measured().contains("the bound is inside the error"), under.get(1).measured());
    }

    @Test
    void aLegacyLockingRowIsJudgedAgainstTheFloorOfItsOwnMode() {
        List<BenchResult> run = List.of(
                r("YieldBench", "baselineRawContinuation", Map.of(), 100, 2, "ns/op"),
                r("YieldBench", "rawContinuationLegacyLocking", Map.of(), 200, 4, "ns/op"),
                r("YieldBench", "weft", Map.of("scheduler", "workStealing2"), 1900, 50, "ns/op"),
                r("YieldBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2"), 204, 3, "ns/op"),
                r("RingBench", "baselineRawContinuation", Map.of("size", "100000"), 140, 5, "ns/op"),
                r("RingBench", "rawContinuationLegacyLocking", Map.of("size", "1000"), 100, 5, "ns/op"),
                r("RingBench", "rawContinuationLegacyLocking", Map.of("size", "100000"), 300, 5, "ns/op"),
                r("RingBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2", "size", "100000"), 570, 10, "ns/op"));
        List<ReportWriter.TargetCheck> yield = named(run, "Yield on work-stealing(2)");
        assertTrue(yield.get(0).measured().startsWith("19.00× the floor"), yield.get(0).measured()); // the default floor
        assertTrue(yield.get(1).measured().startsWith("1.02× the legacy-locking floor"), yield.get(1).measured());
        assertEquals(Boolean.TRUE, yield.get(1).met());
        ReportWriter.TargetCheck ring = named(run, "Ring of 100,000").get(0);
        assertTrue(ring.measured().startsWith("1.90× the legacy-locking floor"), ring.measured()); // the floor of its size
        assertTrue(ring.measured().contains("that floor 300.0 ± 5.000 ns/op"), ring.measured());
        assertEquals(Boolean.TRUE, ring.met());
    }

    @Test
    void aLegacyLockingRowWithoutALegacyFloorSaysWhichFloorItWasJudgedAgainst() {
        List<BenchResult> run = List.of(
                r("YieldBench", "baselineRawContinuation", Map.of(), 100, 2, "ns/op"),
                r("YieldBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2"), 130, 3, "ns/op"));
        ReportWriter.TargetCheck c = named(run, "Yield on work-stealing(2)").get(0);
        assertTrue(c.measured().startsWith("1.30× the default-locking floor (this run has no legacy-locking one)"), c.measured());
    }

    @Test
    void aFloorInMillisecondsIsComparedWithABoundInNanosecondsAndOnlyItsWholeIntervalCountsAsAboveTheBound() {
        List<BenchResult> run = List.of(
                r("SkynetBench", "floorRawContinuations", Map.of(), 110, 5, "ms/op"),
                r("SkynetBench", "weft", Map.of("scheduler", "workStealing2"), 2400, 100, "ms/op"),
                r("SpawnJoinBench", "floorRawContinuations", Map.of(), 260, 20, "ns/op"),
                r("SpawnJoinBench", "weft", Map.of("scheduler", "workStealing2"), 600, 20, "ns/op"));
        ReportWriter.TargetCheck skynet = named(run, "Skynet 1M under 0.3 s").get(0);
        assertTrue(skynet.measured().contains("raw-continuation floor of the same work: 110.0 ± 5.000 ms/op (21.82× it)"), skynet.measured());
        assertFalse(skynet.measured().contains("below that floor"), skynet.measured());
        ReportWriter.TargetCheck spawn = named(run, "Spawn+join from a fiber under 0.25").get(0);
        // 260 ± 20 ns: the interval reaches below 250 ns, so the bound is not said to be below the floor
        assertFalse(spawn.measured().contains("below that floor"), spawn.measured());
    }

    @Test
    void aTimeBoundNamesTheRawFloorOfTheSameWorkAndWhetherTheBoundIsBelowIt() {
        List<BenchResult> run = List.of(
                r("SpawnJoinBench", "baselineVirtualThread", Map.of(), 1400, 50, "ns/op"),
                r("SpawnJoinBench", "floorRawContinuations", Map.of(), 180, 5, "ns/op"),
                r("SpawnJoinBench", "floorRawContinuationsLegacyLocking", Map.of(), 300, 5, "ns/op"),
                r("SpawnJoinBench", "weft", Map.of("scheduler", "workStealing2"), 1800, 50, "ns/op"),
                r("SpawnJoinBench", "weftLegacyLocking", Map.of("scheduler", "workStealing2"), 600, 20, "ns/op"));
        List<ReportWriter.TargetCheck> spawn = named(run, "Spawn+join from a fiber under 0.25");
        assertEquals(2, spawn.size());
        assertTrue(spawn.get(0).measured().contains("raw-continuation floor of the same work: 180.0 ± 5.000 ns/op (10.00× it)"),
                spawn.get(0).measured());
        assertFalse(spawn.get(0).measured().contains("below that floor"), spawn.get(0).measured());
        assertTrue(spawn.get(1).measured().contains("same locking: 300.0 ± 5.000 ns/op (2.00× it); the bound is below that floor"),
                spawn.get(1).measured());
        assertEquals(Boolean.FALSE, spawn.get(1).met());
    }

    @Test
    void aTargetWithoutRowsIsNotMeasured() {
        ReportWriter.TargetCheck spawn = named("Spawn+join from a fiber under 0.25").get(0);
        assertEquals("–", spawn.variant());
        assertNull(spawn.met());
    }

    @Test
    void eachCheckNamesTheRowsItReadAndTheReportFlagsThoseTooNoisyForARatio() {
        List<ReportWriter.TargetCheck> checks = SchedulingTargets.check(RUN);
        ReportWriter.TargetCheck yield = named("Yield on work-stealing(2)").get(0);
        assertEquals(List.of("weft", "baselineRawContinuation"), yield.basis().stream().map(BenchResult::method).toList());
        ReportWriter.TargetCheck skynet = named("Skynet 1M on work-stealing(2) at least 2×").get(1);
        assertEquals(List.of("weftLegacyLocking", "kotlin"), skynet.basis().stream().map(BenchResult::method).toList());

        StringBuilder sb = new StringBuilder();
        ReportWriter.basisErrors(sb, checks);
        String text = sb.toString();
        // 30 of 290 ms is the one error above a tenth of its score among the rows these checks read
        assertTrue(text.contains("is not supported by this run's errors, whatever its verdict: "
                + "SkynetBench.weftLegacyLocking (scheduler=workStealing2) ±10.3%."), text);
        assertFalse(text.contains("YieldBench.weft (scheduler=workStealing2) ±"), text);
        long rows = checks.stream().flatMap(c -> c.basis().stream()).distinct().count();
        assertTrue(text.contains("read " + rows + " rows"), text);
        assertTrue(text.contains((rows - 1) + " of them have a 99.9% error within 10% of their score"), text);
    }

    @Test
    void aRunWhoseRowsAllHaveNarrowErrorsSaysEveryRatioIsSupported() {
        List<BenchResult> run = List.of(
                r("YieldBench", "baselineRawContinuation", Map.of(), 100, 2, "ns/op"),
                r("YieldBench", "weft", Map.of("scheduler", "workStealing2"), 104, 5, "ns/op"));
        StringBuilder sb = new StringBuilder();
        ReportWriter.basisErrors(sb, SchedulingTargets.check(run));
        assertTrue(sb.toString().contains("read 2 rows"), sb.toString());
        assertTrue(sb.toString().contains("every ratio above is supported by this run's errors"), sb.toString());
    }

    @Test
    void aRowWithoutAnErrorCannotSupportARatio() {
        List<BenchResult> run = List.of(
                r("YieldBench", "baselineRawContinuation", Map.of(), 100, Double.NaN, "ns/op"),
                r("YieldBench", "weft", Map.of("scheduler", "workStealing2"), 104, 5, "ns/op"));
        StringBuilder sb = new StringBuilder();
        ReportWriter.basisErrors(sb, SchedulingTargets.check(run));
        assertTrue(sb.toString().contains("(1 without an error)"), sb.toString());
        assertTrue(sb.toString().contains("YieldBench.baselineRawContinuation (no error)"), sb.toString());
    }
}
