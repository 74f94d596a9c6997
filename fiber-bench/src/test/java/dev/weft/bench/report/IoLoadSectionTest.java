package dev.weft.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's network-load section and targets, from a {@code LoadSuite} result file. */
class IoLoadSectionTest {

    private static final String JSON = """
            [
              {"server": "weft-fibers http", "family": "weft", "workload": "http", "connections": 10000, "requestsPerConnection": 20, "requests": 200000, "errors": 0, "seconds": 10.0, "rps": 20000.0, "p50Micros": 400000.0, "p99Micros": 900000.0, "p999Micros": 1000000.0, "bytesPerIdleConnection": 3100},
              {"server": "weft-fibers-legacy-locking http", "family": "weft", "workload": "http", "connections": 10000, "requestsPerConnection": 20, "requests": 200000, "errors": 0, "seconds": 8.0, "rps": 25000.0, "p50Micros": 350000.0, "p99Micros": 800000.0, "p999Micros": 900000.0, "bytesPerIdleConnection": 3000},
              {"server": "virtual-threads http", "family": "virtual-threads", "workload": "http", "connections": 10000, "requestsPerConnection": 20, "requests": 200000, "errors": 0, "seconds": 9.0, "rps": 22222.2, "p50Micros": 380000.0, "p99Micros": 850000.0, "p999Micros": 950000.0, "bytesPerIdleConnection": 2900},
              {"server": "thread-pool http", "family": "thread-pool", "workload": "http", "connections": 10000, "requestsPerConnection": 20, "requests": 200000, "errors": 0, "seconds": 6.0, "rps": 33333.3, "p50Micros": 5000.0, "p99Micros": 4400000.0, "p999Micros": 5400000.0, "bytesPerIdleConnection": 625}
            ]
            """;

    private static RunInfo info() {
        return new RunInfo("quick", "cmd", "start", "end", "cpu", 2, 1L << 30, "os", "jdk", 0.1, 0.2, List.of());
    }

    @Test
    void everyRowIsInTheSectionWithItsRatioToVirtualThreads() {
        List<IoLoad.Row> rows = IoLoad.parse(JSON);
        assertEquals(4, rows.size());
        assertEquals("weft-fibers-legacy-locking", rows.get(1).contender());
        String md = ReportWriter.render(info(), List.of(), rows, List.of(), Map.of());
        assertTrue(md.contains("## Network load (fiber I/O)"), md);
        assertTrue(md.contains("| weft-fibers http | 10,000 x 20 | 200,000 | 0 | 20,000 | 0.90× | 400.0 ms | 900.0 ms | 1,000.0 ms | 3,100 B |"), md);
        assertTrue(md.contains("| thread-pool http | 10,000 x 20 | 200,000 | 0 | 33,333 | 1.50× |"), md);
    }

    @Test
    void theTargetsSayWhichWeftRowReachesTheVirtualThreadsAndBeatsThePoolsTail() {
        List<ReportWriter.TargetCheck> checks = IoLoad.targets(IoLoad.parse(JSON));
        assertEquals(4, checks.size());
        ReportWriter.TargetCheck defaultOnPar = checks.get(0);
        assertEquals("weft-fibers", defaultOnPar.variant());
        assertEquals(Boolean.FALSE, defaultOnPar.met(), defaultOnPar.measured());
        assertTrue(defaultOnPar.measured().contains("20,000 vs 22,222 requests/s (0.90×)"), defaultOnPar.measured());
        assertEquals(Boolean.TRUE, checks.get(1).met(), checks.get(1).measured()); // 900 ms vs 4,400 ms
        assertEquals("weft-fibers-legacy-locking", checks.get(2).variant());
        assertEquals(Boolean.TRUE, checks.get(2).met());
        String md = ReportWriter.render(info(), List.of(), IoLoad.parse(JSON), List.of(), Map.of());
        assertTrue(md.contains("| Network: HTTP at 10,000 connections, Weft fibers at least on par with virtual threads (requests/s) | weft-fibers | 20,000 vs 22,222 requests/s (0.90×) | **no** |"), md);
    }

    @Test
    void fewerConnectionsThanTheTargetAreReportedButNotJudged() {
        String small = JSON.replace("\"connections\": 10000", "\"connections\": 200");
        List<ReportWriter.TargetCheck> checks = IoLoad.targets(IoLoad.parse(small));
        assertTrue(checks.stream().allMatch(c -> c.met() == null), checks.toString());
        assertTrue(checks.get(0).measured().contains("only 200 connections"), checks.get(0).measured());
    }

    @Test
    void noRowsMeansNoSectionAndTheTargetNotMeasured() {
        String md = ReportWriter.render(info(), List.of(), List.of(), List.of(), Map.of());
        assertFalse(md.contains("## Network load"));
        assertTrue(md.contains("Weft fibers at least on par with virtual threads (requests/s) | – | not measured in this run | not measured |"), md);
    }

    @Test
    void aMissingFileIsNoRowsAndAForeignOneIsAClearError(@TempDir Path dir) throws IOException {
        assertEquals(List.of(), IoLoad.read(dir.resolve("quick-io.json")));
        Path bad = Files.writeString(dir.resolve("bad-io.json"), "{\"not\": \"an array\"}");
        IOException e = assertThrows(IOException.class, () -> IoLoad.read(bad));
        assertTrue(e.getMessage().contains("not a LoadSuite result file"), e.getMessage());
    }
}
