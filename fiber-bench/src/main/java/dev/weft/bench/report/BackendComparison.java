package dev.weft.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The report's "Stackful against stackless on the same scheduler" section: every benchmark with
 * a {@code backend} parameter that ran as both {@code stackful} and {@code stackless} with its
 * other parameters alike (SchedulerYieldBench, SchedulerRingBench, ...) becomes a table of the
 * two side by side, with the ratio stackless/stackful, and a sentence saying which wins at which
 * setting. A side wins only when the two 99.9% intervals do not overlap; otherwise the sentence
 * says "within error", since the run cannot tell them apart (or "no error estimate" when a row has
 * none, as after a single measured iteration).
 */
public final class BackendComparison {
    /** The section's title. */
    public static final String TITLE = "Stackful against stackless on the same scheduler";

    private BackendComparison() {
    }

    /**
     * One benchmark at one setting on both backends.
     *
     * @param benchmark the benchmark, {@code Class.method} without the package
     * @param params    its parameters other than {@code backend}
     * @param stackful  the {@code backend=stackful} row
     * @param stackless the {@code backend=stackless} row
     */
    public record Pair(String benchmark, Map<String, String> params, BenchResult stackful, BenchResult stackless) {
        /** Validates and freezes. */
        public Pair {
            Objects.requireNonNull(benchmark, "benchmark");
            params = Map.copyOf(params);
            Objects.requireNonNull(stackful, "stackful");
            Objects.requireNonNull(stackless, "stackless");
        }

        /** Stackless time over stackful time (below 1: stackless is faster); NaN if not comparable. */
        public double ratio() {
            return Units.ratio(stackless.score(), stackless.unit(), stackful.score(), stackful.unit());
        }

        /** Whether both rows have a finite error (one measured iteration has none). */
        public boolean errorsKnown() {
            return Double.isFinite(stackful.scoreError()) && Double.isFinite(stackless.scoreError());
        }

        /**
         * {@code "stackless"} or {@code "stackful"}, the faster of the two when their 99.9% intervals
         * do not overlap; null when they overlap, an error is unknown or the scores are not times.
         */
        public String winner() {
            double a = Units.toNanos(stackful.score(), stackful.unit());
            double b = Units.toNanos(stackless.score(), stackless.unit());
            double ea = Units.toNanos(stackful.scoreError(), stackful.unit());
            double eb = Units.toNanos(stackless.scoreError(), stackless.unit());
            if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(ea) || !Double.isFinite(eb)
                    || Math.abs(a - b) <= ea + eb) {
                return null;
            }
            return b < a ? "stackless" : "stackful";
        }
    }

    /** Benchmarks that read best in this order (the issue's: yield, ring, spawn+join, skynet); others follow as they come. */
    private static final List<String> ORDER = List.of("SchedulerYieldBench", "SchedulerRingBench",
            "SchedulerSpawnJoinBench", "SchedulerSkynetBench");

    private static int rank(BenchResult r) {
        int i = ORDER.indexOf(r.simpleClassName());
        return i < 0 ? ORDER.size() : i;
    }

    /**
     * The pairs among {@code results}, one per benchmark and setting: benchmarks in report order,
     * settings in the order their stackful rows appear.
     */
    public static List<Pair> pairs(List<BenchResult> results) {
        Map<String, BenchResult> stackful = new LinkedHashMap<>();
        Map<String, BenchResult> stackless = new LinkedHashMap<>();
        for (BenchResult r : results) {
            String backend = r.params().get("backend");
            if ("stackful".equals(backend)) {
                stackful.putIfAbsent(key(r), r);
            } else if ("stackless".equals(backend)) {
                stackless.putIfAbsent(key(r), r);
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<String, BenchResult> e : stackful.entrySet()) {
            BenchResult less = stackless.get(e.getKey());
            if (less != null) {
                BenchResult full = e.getValue();
                pairs.add(new Pair(full.simpleClassName() + "." + full.method(), others(full), full, less));
            }
        }
        pairs.sort(Comparator.comparingInt((Pair p) -> rank(p.stackful())));
        return pairs;
    }

    private static String key(BenchResult r) {
        return r.benchmark() + " " + new TreeMap<>(others(r));
    }

    private static Map<String, String> others(BenchResult r) {
        Map<String, String> p = new TreeMap<>(r.params());
        p.remove("backend");
        return p;
    }

    /**
     * The sentence under one benchmark's table: who wins at each setting, naming only the
     * parameters that differ between its settings (e.g. {@code depth}).
     */
    public static String verdict(List<Pair> pairsOfOneBenchmark) {
        Set<String> varying = varying(pairsOfOneBenchmark);
        List<String> parts = new ArrayList<>();
        for (Pair p : pairsOfOneBenchmark) {
            String where = setting(p, varying);
            String winner = p.winner();
            String what = (winner != null ? winner + " wins" : p.errorsKnown() ? "within error" : "no error estimate")
                    + " (" + ratioText(p.ratio()) + ")";
            parts.add(where.isEmpty() ? what : "at " + where + ", " + what);
        }
        String s = String.join("; ", parts);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
    }

    private static Set<String> varying(List<Pair> pairs) {
        Set<String> names = new LinkedHashSet<>();
        for (Pair p : pairs) {
            for (Map.Entry<String, String> e : p.params().entrySet()) {
                if (pairs.stream().anyMatch(q -> !e.getValue().equals(q.params().get(e.getKey())))) {
                    names.add(e.getKey());
                }
            }
        }
        return names;
    }

    private static String setting(Pair p, Set<String> varying) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(p.params()).forEach((k, v) -> {
            if (varying.contains(k)) {
                parts.add(k + " " + v);
            }
        });
        return String.join(", ", parts);
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "no ratio" : String.format(Locale.ROOT, "stackless/stackful %.2f×", ratio);
    }

    /** Appends the section (title, one table and one sentence per benchmark); nothing if no benchmark ran on both. */
    public static void section(StringBuilder sb, List<BenchResult> results) {
        List<Pair> all = pairs(results);
        if (all.isEmpty()) {
            return;
        }
        Map<String, List<Pair>> byBenchmark = new LinkedHashMap<>();
        for (Pair p : all) {
            byBenchmark.computeIfAbsent(p.benchmark(), k -> new ArrayList<>()).add(p);
        }
        sb.append("## ").append(TITLE).append("\n\n");
        sb.append("The same workload as a Weft fiber (`stackful`, a continuation that keeps its stack) and as a "
                + "stackless coroutine (`stackless`, code rewritten by the transformer into a state machine that "
                + "saves and restores each frame on every suspension), on the same scheduler in the same run. "
                + "`depth` is the number of frames between the task's entry and its suspension point. A ratio "
                + "below 1 means the stackless coroutine is faster; a side is named the winner only when the two "
                + "99.9% intervals do not overlap. A benchmark method ending in `LegacyLocking` is the same pair in "
                + "forks with `-XX:LockingMode=1`, where the fiber makes no held-monitor walk at a suspension: its "
                + "stackful column beside the default method's is what the walk costs the fiber.\n\n");
        for (Map.Entry<String, List<Pair>> e : byBenchmark.entrySet()) {
            sb.append("### ").append(e.getKey()).append("\n\n");
            sb.append("| Params | Stackful | Stackless | Unit | Stackless/stackful |\n|---|---:|---:|---|---:|\n");
            for (Pair p : e.getValue()) {
                String params = paramsText(p.params());
                sb.append("| ").append(params.isEmpty() ? "–" : params)
                        .append(" | ").append(ReportWriter.withError(p.stackful().score(), p.stackful().scoreError()))
                        .append(" | ").append(ReportWriter.withError(p.stackless().score(), p.stackless().scoreError()))
                        .append(" | ").append(p.stackful().unit().equals(p.stackless().unit()) ? p.stackful().unit()
                                : p.stackful().unit() + " / " + p.stackless().unit())
                        .append(" | ").append(Double.isNaN(p.ratio()) ? "–" : String.format(Locale.ROOT, "%.2f×", p.ratio()))
                        .append(" |\n");
            }
            sb.append('\n').append(verdict(e.getValue())).append("\n\n");
        }
    }

    private static String paramsText(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }
}
