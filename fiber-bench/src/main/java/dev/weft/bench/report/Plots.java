package dev.weft.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Draws one PNG per benchmark class with XChart, headless.
 *
 * <p>A class whose rows sweep a numeric {@code depth} parameter over three or more values
 * (the generator depth sweep) becomes a line chart, score against depth on log axes, one line
 * per method and remaining parameters (an axis with a value at or below zero stays linear).
 * Every other class becomes a bar chart with one bar per
 * row, coloured by the contender's {@link Family} (Weft, Weft stackless, the raw-continuation
 * floor, Kotlin, virtual threads, jox, JDK pools and threads), with a legend, so that Weft's bars
 * stand out; on a linear axis each bar has its 99.9% error bar (XChart draws error bars on a
 * logarithmic axis as factors, not as the plus-or-minus the table gives, so there the table alone
 * carries the error, and the chart title says so). Rows whose unit differs from the class's most common unit are left out of its chart
 * (the table still has them). A class whose every row carries exactly one metric of its own, the
 * same for all (an {@code @AuxCounters} counter beside an incidental time), is drawn by that
 * metric instead of the primary score. A logarithmic score axis is used when the largest bar is more
 * than 30 times the smallest.
 */
public final class Plots {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    private static final String SWEEP_PARAM = "depth";

    private Plots() {
    }

    /**
     * Writes {@code <SimpleClassName>.png} into {@code dir} for every benchmark class; a class
     * whose chart XChart refuses to draw gets no plot and a line on standard error.
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
            Measure measure = measure(rows);
            Path file = dir.resolve(simple + ".png");
            try {
                Chart<?, ?> chart = isSweep(rows) ? sweepChart(simple, rows, measure) : barChart(simple, rows, measure);
                BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
                written.put(e.getKey(), file);
            } catch (RuntimeException chartRefused) {
                // One odd result (say, a non-positive value on a log axis) must not cost the report.
                System.err.println("No plot for " + simple + ": " + chartRefused.getMessage());
            }
        }
        return written;
    }

    /**
     * What a chart shows: the primary score, or, when every row carries exactly one metric of its
     * own and all by the same name (an {@code @AuxCounters} result beside an incidental time), that.
     */
    record Measure(String axisTitle, ToDoubleFunction<BenchResult> value, ToDoubleFunction<BenchResult> error) {
    }

    static Measure measure(List<BenchResult> rows) {
        Set<String> names = new TreeSet<>();
        for (BenchResult r : rows) {
            if (r.extraMetrics().size() != 1) {
                return primary(rows);
            }
            names.addAll(r.extraMetrics().keySet());
        }
        if (names.size() != 1) {
            return primary(rows);
        }
        String name = names.iterator().next();
        String unit = rows.get(0).extraMetrics().get(name).unit();
        return new Measure(unit.equals("#") ? name : name + " (" + unit + ")",
                r -> r.extraMetrics().get(name).score(), r -> Double.NaN);
    }

    private static Measure primary(List<BenchResult> rows) {
        return new Measure(rows.get(0).unit(), BenchResult::score, BenchResult::scoreError);
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

    /**
     * The family of contenders a row belongs to, for the colour of its bar: taken from the
     * method name and, for the generator and stackless rows, the {@code backend} parameter.
     */
    enum Family {
        WEFT("Weft", new Color(31, 87, 214)),
        WEFT_STACKLESS("Weft stackless", new Color(0, 150, 160)),
        RAW_FLOOR("raw continuation (floor)", new Color(120, 120, 120)),
        KOTLIN("Kotlin coroutines", new Color(232, 132, 20)),
        VIRTUAL_THREADS("virtual threads", new Color(60, 160, 60)),
        JOX("jox", new Color(200, 70, 150)),
        JDK("JDK pools and threads", new Color(150, 100, 60)),
        OTHER("other", new Color(190, 190, 190));

        final String label;
        final Color colour;

        Family(String label, Color colour) {
            this.label = label;
            this.colour = colour;
        }

        static Family of(BenchResult r) {
            String m = r.method().toLowerCase(Locale.ROOT);
            String backend = r.params().getOrDefault("backend", "");
            if (backend.equals("stackless") || m.contains("stackless") || m.equals("transformed")) {
                return WEFT_STACKLESS;
            }
            if (m.startsWith("weft") || m.equals("carrieraffinity") || backend.equals("stackful")) {
                return WEFT;
            }
            if (m.contains("rawcontinuation") || m.startsWith("floor")) {
                return RAW_FLOOR;
            }
            if (m.startsWith("kotlin")) {
                return KOTLIN;
            }
            if (m.startsWith("jox")) {
                return JOX;
            }
            if (m.contains("virtualthread")) {
                return VIRTUAL_THREADS;
            }
            if (m.contains("forkjoin") || m.contains("threadpool") || m.contains("jdk")
                    || m.contains("queue") || m.contains("executor")) {
                return JDK;
            }
            return OTHER;
        }
    }

    static CategoryChart barChart(String title, List<BenchResult> rows, Measure measure) {
        List<String> labels = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (BenchResult r : rows) {
            labels.add(r.label());
            scores.add(measure.value().applyAsDouble(r));
        }
        double max = scores.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double min = scores.stream().mapToDouble(Double::doubleValue).filter(d -> d > 0).min().orElse(max);
        boolean log = max / min > 30 && scores.stream().allMatch(d -> d > 0);
        double axisMin = Math.pow(10, Math.floor(Math.log10(min)));
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + direction(rows) + (log ? ", log scale (errors in the table)" : ""))
                .yAxisTitle(measure.axisTitle()).build();
        Styler s = chart.getStyler();
        chart.getStyler().setOverlapped(true); // one bar per category: the other families' series are empty there
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(35);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        s.setLegendVisible(true);
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            // Bars otherwise start the axis at zero, which a logarithmic axis cannot show.
            chart.getStyler().setYAxisMin(axisMin);
        }
        // An empty slot of a family's series: zero on a linear axis, below the axis on a log one
        // (a log axis refuses zero and XChart refuses null with error bars).
        double empty = log ? axisMin / 10 : 0.0;
        Map<Family, List<Integer>> members = new EnumMap<>(Family.class);
        for (int i = 0; i < rows.size(); i++) {
            members.computeIfAbsent(Family.of(rows.get(i)), f -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Family, List<Integer>> e : members.entrySet()) {
            List<Double> ys = new ArrayList<>(Collections.nCopies(rows.size(), empty));
            List<Double> errs = new ArrayList<>(Collections.nCopies(rows.size(), 0.0));
            for (int i : e.getValue()) {
                double value = scores.get(i);
                double error = measure.error().applyAsDouble(rows.get(i));
                ys.set(i, value);
                errs.set(i, Double.isFinite(error) ? Math.min(error, value) : 0.0);
            }
            CategorySeries series = log ? chart.addSeries(e.getKey().label, labels, ys)
                    : chart.addSeries(e.getKey().label, labels, ys, errs);
            series.setFillColor(e.getKey().colour);
        }
        return chart;
    }

    private static XYChart sweepChart(String title, List<BenchResult> rows, Measure measure) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + direction(rows)).xAxisTitle(SWEEP_PARAM).yAxisTitle(measure.axisTitle()).build();
        chart.getStyler().setXAxisLogarithmic(rows.stream()
                .allMatch(r -> Double.parseDouble(r.params().get(SWEEP_PARAM)) > 0));
        chart.getStyler().setYAxisLogarithmic(rows.stream().allMatch(r -> measure.value().applyAsDouble(r) > 0));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
        Map<String, BenchResult> first = new HashMap<>();
        for (BenchResult r : rows) {
            Map<String, String> rest = new TreeMap<>(r.params());
            rest.remove(SWEEP_PARAM);
            String name = rest.isEmpty() ? r.method() : r.method() + " " + rest;
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(Double.parseDouble(r.params().get(SWEEP_PARAM)),
                    measure.value().applyAsDouble(r));
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
