package dev.weft.bench.report;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bar charts colour each contender by its family, with a legend and, on a linear axis, error bars. */
class PlotsTest {

    private static BenchResult row(String simpleClass, String method, Map<String, String> params, double score, double error) {
        return new BenchResult("dev.weft.bench.x." + simpleClass + "." + method, "avgt", params, score, error,
                "ns/op", Double.NaN, Double.NaN, Map.of());
    }

    @Test
    void familiesComeFromTheMethodNameAndTheBackend() {
        assertEquals(Plots.Family.WEFT, Plots.Family.of(row("A", "weft", Map.of(), 1, 0)));
        assertEquals(Plots.Family.WEFT, Plots.Family.of(row("A", "weftLegacyLocking", Map.of(), 1, 0)));
        assertEquals(Plots.Family.WEFT, Plots.Family.of(row("A", "weftVirtualThreadMode", Map.of(), 1, 0)));
        assertEquals(Plots.Family.WEFT_STACKLESS, Plots.Family.of(row("A", "next", Map.of("backend", "stackless"), 1, 0)));
        assertEquals(Plots.Family.WEFT, Plots.Family.of(row("A", "next", Map.of("backend", "stackful"), 1, 0)));
        assertEquals(Plots.Family.RAW_FLOOR, Plots.Family.of(row("A", "baselineRawContinuation", Map.of(), 1, 0)));
        assertEquals(Plots.Family.RAW_FLOOR, Plots.Family.of(row("A", "floorRawContinuations", Map.of(), 1, 0)));
        assertEquals(Plots.Family.KOTLIN, Plots.Family.of(row("A", "kotlin", Map.of(), 1, 0)));
        assertEquals(Plots.Family.VIRTUAL_THREADS, Plots.Family.of(row("A", "baselineVirtualThread", Map.of(), 1, 0)));
        assertEquals(Plots.Family.JOX, Plots.Family.of(row("A", "jox", Map.of(), 1, 0)));
        assertEquals(Plots.Family.JDK, Plots.Family.of(row("A", "forkJoinPool", Map.of(), 1, 0)));
        assertEquals(Plots.Family.JDK, Plots.Family.of(row("A", "baselineThreadPoolExecutor", Map.of(), 1, 0)));
        assertEquals(Plots.Family.OTHER, Plots.Family.of(row("A", "baselineUntransformed", Map.of(), 1, 0)));
    }

    @Test
    void aBarChartHasOneColouredSeriesPerFamilyWithErrorBarsOnALinearAxis() throws Exception {
        List<BenchResult> rows = List.of(row("A", "baselineRawContinuation", Map.of(), 100, 5),
                row("A", "weft", Map.of("scheduler", "ws1"), 130, 7), row("A", "weft", Map.of("scheduler", "ws2"), 140, 9),
                row("A", "kotlin", Map.of(), 200, 11), row("A", "virtualThread", Map.of(), 280, 13));
        CategoryChart chart = Plots.barChart("A", rows, Plots.measure(rows));
        Map<String, CategorySeries> series = chart.getSeriesMap();
        assertEquals(List.of("Weft", "raw continuation (floor)", "Kotlin coroutines", "virtual threads"),
                List.copyOf(series.keySet()), "one series per family, in the family order");
        CategorySeries weft = series.get("Weft");
        assertEquals(Plots.Family.WEFT.colour, weft.getFillColor());
        double[] ys = weft.getYData().stream().mapToDouble(Number::doubleValue).toArray();
        assertEquals(List.of(0.0, 130.0, 140.0, 0.0, 0.0), java.util.Arrays.stream(ys).boxed().toList(),
                "Weft's bars at its own rows only");
        assertTrue(weft.getExtraValues() != null, "error bars on a linear axis");
        assertEquals(7.0, List.copyOf(weft.getExtraValues()).get(1).doubleValue());
        assertTrue(chart.getStyler().isLegendVisible());
        Path png = Files.createTempFile("plot", ".png");
        org.knowm.xchart.BitmapEncoder.saveBitmap(chart, png.toString(), org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
        assertTrue(Files.size(png) > 1000, "the chart renders");
    }

    @Test
    void aWideRangeGoesOnALogAxisWithoutErrorBarsAndStillRenders() throws Exception {
        List<BenchResult> rows = List.of(row("B", "forkJoinPool", Map.of(), 20, 2),
                row("B", "weft", Map.of(), 1500, 100), row("B", "baselineVirtualThread", Map.of(), 2700, 300));
        CategoryChart chart = Plots.barChart("B", rows, Plots.measure(rows));
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertTrue(chart.getTitle().contains("log scale"), chart.getTitle());
        Path png = Files.createTempFile("plot", ".png");
        org.knowm.xchart.BitmapEncoder.saveBitmap(chart, png.toString(), org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
        assertTrue(Files.size(png) > 1000, "the chart renders");
    }
}
