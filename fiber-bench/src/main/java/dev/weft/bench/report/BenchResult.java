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
 */
public record BenchResult(String benchmark, String mode, Map<String, String> params, double score,
                          double scoreError, String unit, double allocBytesPerOp) {

    /** Validates the fields and freezes the parameter map. */
    public BenchResult {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(unit, "unit");
        int dot = benchmark.lastIndexOf('.');
        if (dot <= 0 || dot == benchmark.length() - 1) {
            throw new IllegalArgumentException("benchmark must be a qualified Class.method name: " + benchmark);
        }
        params = Map.copyOf(params);
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

    /** Whether this row is a baseline of its class: its method name starts with {@code baseline}. */
    public boolean isBaseline() {
        return method().startsWith("baseline");
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
