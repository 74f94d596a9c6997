package dev.weft.bench.report;

import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One row of a benchmark run: what JMH (or a memory probe, in the same JSON shape) reported for
 * one benchmark method and one combination of its parameters.
 *
 * @param benchmark        the fully qualified method, e.g. {@code dev.weft.bench.switching.YieldBench.weft}
 * @param mode             JMH's short mode name: {@code avgt}, {@code thrpt}, {@code ss}, {@code sample}
 * @param params           parameter values, in a stable (sorted) order; empty if none
 * @param score            the primary score
 * @param scoreError       the half-width of its 99.9% confidence interval, NaN when unknown
 * @param unit             the score's unit, e.g. {@code ns/op}
 * @param allocBytesPerOp  bytes allocated per operation ({@code -prof gc}), NaN when not measured
 * @param allocError       the half-width of the 99.9% confidence interval of {@code allocBytesPerOp},
 *                         NaN when unknown
 * @param extraMetrics     the benchmark's own secondary metrics (e.g. {@code @AuxCounters}) by name;
 *                         the profilers' {@code gc.*} metrics are not among them
 */
public record BenchResult(String benchmark, String mode, Map<String, String> params, double score,
                          double scoreError, String unit, double allocBytesPerOp, double allocError,
                          Map<String, Metric> extraMetrics) {

    /**
     * A secondary metric.
     *
     * @param score the value
     * @param unit  its unit as JMH prints it ({@code #} for event counters)
     */
    public record Metric(double score, String unit) {
        /** Validates the unit. */
        public Metric {
            Objects.requireNonNull(unit, "unit");
        }
    }

    /** A row without secondary metrics of its own and without an error for its allocation. */
    public BenchResult(String benchmark, String mode, Map<String, String> params, double score, double scoreError,
                       String unit, double allocBytesPerOp) {
        this(benchmark, mode, params, score, scoreError, unit, allocBytesPerOp, Double.NaN, Map.of());
    }

    /** A row without an error for its allocation. */
    public BenchResult(String benchmark, String mode, Map<String, String> params, double score, double scoreError,
                       String unit, double allocBytesPerOp, Map<String, Metric> extraMetrics) {
        this(benchmark, mode, params, score, scoreError, unit, allocBytesPerOp, Double.NaN, extraMetrics);
    }

    /** Validates the fields and freezes the maps. */
    public BenchResult {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(unit, "unit");
        int dot = benchmark.lastIndexOf('.');
        if (dot <= 0 || dot == benchmark.length() - 1) {
            throw new IllegalArgumentException("benchmark must be a qualified Class.method name: " + benchmark);
        }
        params = Map.copyOf(params);
        extraMetrics = Map.copyOf(extraMetrics);
    }

    /** The benchmark class, fully qualified. */
    public String className() {
        return benchmark.substring(0, benchmark.lastIndexOf('.'));
    }

    /** The benchmark class without its package, e.g. {@code YieldBench}. */
    public String simpleClassName() {
        String c = className();
        return c.substring(c.lastIndexOf('.') + 1);
    }

    /** The package of the benchmark class: the workload it belongs to. */
    public String packageName() {
        String c = className();
        int dot = c.lastIndexOf('.');
        return dot < 0 ? "" : c.substring(0, dot);
    }

    /** The benchmark method, e.g. {@code weft}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * Whether this row is a baseline of its class: its method name, or the value of one of its
     * parameters, starts with {@code baseline}.
     */
    public boolean isBaseline() {
        return method().startsWith("baseline") || params.values().stream().anyMatch(v -> v.startsWith("baseline"));
    }

    /** Whether a larger score is better: throughput modes, and counts of tasks. */
    public boolean higherIsBetter() {
        return mode.equals("thrpt") || unit.equals("tasks");
    }

    /** The parameters as {@code name=value} pairs sorted by name, or an empty string. */
    public String paramsText() {
        return params.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Method and parameters, e.g. {@code weft (scheduler=fifo1)}: a label for plots. */
    public String label() {
        String p = paramsText();
        return p.isEmpty() ? method() : method() + " (" + p + ")";
    }
}
