package dev.weft.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Draws one PNG per benchmark class with XChart, headless.
 *
 * <p>A class whose rows sweep a numeric {@code depth} parameter over three or more values
 * (the generator depth sweep) becomes a line chart, score against depth on log axes, one line
 * per method and remaining parameters. Every other class becomes a bar chart with one bar per
 * row. Rows whose unit differs from the class's most common unit are left out of its chart
 * (the table still has them). A logarithmic score axis is used when the largest bar is more
 * than 30 times the smallest.
 */
public final class Plots {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    private static final String SWEEP_PARAM = "depth";

    private Plots() {
    }

    /**
     * Writes {@code <SimpleClassName>.png} into {@code dir} for every benchmark class.
     *
     * @return fully qualified class name to the written file
     */
    public static Map<String, Path> write(List<BenchResult> results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        Map<String, Path> written = new LinkedHashMap<>();
        for (Map.Entry<String, List<BenchResult>> e : ReportWriter.byClass(results).entrySet()) {
            List<BenchResult> rows = mainUnitRows(e.getValue());
            String simple = rows.get(0).simpleClassName();
            Chart<?, ?> chart = isSweep(rows) ? sweepChart(simple, rows) : barChart(simple, rows);
            Path file = dir.resolve(simple + ".png");
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            written.put(e.getKey(), file);
        }
        return written;
    }

    private static List<BenchResult> mainUnitRows(List<BenchResult> rows) {
        Map<String, Long> counts = rows.stream().collect(Collectors.groupingBy(BenchResult::unit, Collectors.counting()));
        String unit = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return rows.stream().filter(r -> r.unit().equals(unit)).toList();
    }

    /** Whether the rows sweep a numeric depth over at least three values. */
    static boolean isSweep(List<BenchResult> rows) {
        Set<Double> depths = new TreeSet<>();
        for (BenchResult r : rows) {
            String d = r.params().get(SWEEP_PARAM);
            if (d == null) {
                return false;
            }
            try {
                depths.add(Double.parseDouble(d));
            } catch (NumberFormatException notNumeric) {
                return false;
            }
        }
        return depths.size() >= 3;
    }

    private static String direction(List<BenchResult> rows) {
        return rows.get(0).higherIsBetter() ? " (higher is better)" : " (lower is better)";
    }

    private static CategoryChart barChart(String title, List<BenchResult> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + direction(rows)).yAxisTitle(rows.get(0).unit()).build();
        Styler s = chart.getStyler();
        s.setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(35);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        List<String> labels = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (BenchResult r : rows) {
            labels.add(r.label());
            scores.add(r.score());
            errors.add(Double.isFinite(r.scoreError()) ? Math.min(r.scoreError(), r.score()) : 0.0);
        }
        double max = scores.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double min = scores.stream().mapToDouble(Double::doubleValue).filter(d -> d > 0).min().orElse(max);
        boolean log = max / min > 30;
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            chart.addSeries("score", labels, scores);
        } else {
            chart.addSeries("score", labels, scores, errors);
        }
        return chart;
    }

    private static XYChart sweepChart(String title, List<BenchResult> rows) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + direction(rows)).xAxisTitle(SWEEP_PARAM).yAxisTitle(rows.get(0).unit()).build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
        Map<String, BenchResult> first = new HashMap<>();
        for (BenchResult r : rows) {
            Map<String, String> rest = new TreeMap<>(r.params());
            rest.remove(SWEEP_PARAM);
            String name = rest.isEmpty() ? r.method() : r.method() + " " + rest;
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(Double.parseDouble(r.params().get(SWEEP_PARAM)), r.score());
            first.putIfAbsent(name, r);
        }
        List<String> names = new ArrayList<>(series.keySet());
        names.sort(Comparator.comparing((String n) -> !first.get(n).isBaseline()));
        for (String name : names) {
            TreeMap<Double, Double> points = series.get(name);
            double[] x = points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = points.values().stream().mapToDouble(Double::doubleValue).toArray();
            chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }
}
