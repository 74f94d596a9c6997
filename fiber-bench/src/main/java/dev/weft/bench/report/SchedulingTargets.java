package dev.weft.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The scheduling targets of the performance issue (issue 13), checked on the Weft rows of a run:
 * each target on the {@code weft} rows (JVM defaults: every suspension walks the fiber's stack for
 * held monitors) and on the {@code weftLegacyLocking} rows (the same code in forks with
 * {@code -XX:LockingMode=1}, where the JVM pins and no walk is made), so the table shows which
 * misses the walk explains. A ratio to the floor is taken against the floor of the row's own
 * locking mode ({@link #LEGACY_SWITCH_FLOOR} for the legacy rows, when the run has it); a bound in
 * time names the raw-continuation floor of the same work ({@link #WORK_FLOOR},
 * {@link #LEGACY_WORK_FLOOR}) and says when the bound lies below that floor's interval. A ratio
 * whose 99.9% intervals overlap the bound says so.
 */
final class SchedulingTargets {
    private static final List<String> WEFT_METHODS = List.of("weft", "weftLegacyLocking");

    private SchedulingTargets() {
    }

    static List<ReportWriter.TargetCheck> check(List<BenchResult> results) {
        Map<String, List<BenchResult>> classes = ReportWriter.byClass(results);
        List<ReportWriter.TargetCheck> checks = new ArrayList<>();
        Predicate<BenchResult> ws2 = r -> "workStealing2".equals(r.params().get("scheduler"));
        Predicate<BenchResult> fifo = r -> String.valueOf(r.params().get("scheduler")).startsWith("fifo");
        floorRatio(checks, classes, results, "Yield on work-stealing(2) within 1.05× the raw continuation",
                "YieldBench", ws2, 1.05);
        floorRatio(checks, classes, results, "Yield on fifo(n) within 1.3× the raw continuation", "YieldBench", fifo, 1.3);
        floorRatio(checks, classes, results, "Ring of 100,000 on work-stealing(2) within 2× the raw continuation",
                "RingBench", ws2.and(size("100000")), 2.0);
        floorRatio(checks, classes, results, "Ring on fifo(n) within 2× the raw continuation", "RingBench", fifo, 2.0);
        versusContender(checks, results, "Ring of 1,000 on work-stealing(2) at or under Kotlin", "RingBench",
                ws2.and(size("1000")), "kotlin", size("1000"), 1.0);
        below(checks, classes, results, "Spawn+join from a fiber under 0.25 µs on work-stealing(2)", "SpawnJoinBench", ws2, 250);
        below(checks, classes, results, "Spawn+join from a fiber under 0.5 µs on fifo(n)", "SpawnJoinBench", fifo, 500);
        below(checks, classes, results, "Skynet 1M under 0.3 s on work-stealing(2)", "SkynetBench", ws2, 300e6);
        versusContender(checks, results, "Skynet 1M on work-stealing(2) at least 2× faster than Kotlin", "SkynetBench",
                ws2, "kotlin", r -> true, 0.5);
        Predicate<BenchResult> gap = r -> "1000".equals(r.params().get("idleGapMicros"));
        for (ReportWriter.TargetCheck c : contender(results, "Idle wake-up after a 1 ms gap at or under ForkJoinPool's",
                "IdleWakeBench", List.of("weft"), gap, "forkJoinPool", gap, 1.0)) {
            checks.add(c);
        }
        return checks;
    }

    /** The floor of a {@code weftLegacyLocking} row in the switching classes: the raw continuation in a legacy-locking fork. */
    static final String LEGACY_SWITCH_FLOOR = "rawContinuationLegacyLocking";
    /** The floor of a {@code weft} row in the spawning classes: the same work as raw continuations. */
    static final String WORK_FLOOR = "floorRawContinuations";
    /** {@link #WORK_FLOOR} in a legacy-locking fork, the floor of the {@code weftLegacyLocking} rows. */
    static final String LEGACY_WORK_FLOOR = "floorRawContinuationsLegacyLocking";

    /**
     * The row of method {@code method} among {@code classRows} whose parameters agree with
     * {@code row}'s on every name both have (a floor has no scheduler parameter); null if none.
     */
    private static BenchResult floorRow(List<BenchResult> classRows, String method, BenchResult row) {
        if (classRows == null) {
            return null;
        }
        for (BenchResult f : classRows) {
            if (f.method().equals(method) && f.params().entrySet().stream()
                    .allMatch(e -> !row.params().containsKey(e.getKey()) || row.params().get(e.getKey()).equals(e.getValue()))) {
                return f;
            }
        }
        return null;
    }

    /** The rows a verdict read: {@code row}, and {@code other} (its floor or contender) if there is one. */
    private static List<BenchResult> basis(BenchResult row, BenchResult other) {
        return other == null ? List.of(row) : List.of(row, other);
    }

    private static Predicate<BenchResult> size(String size) {
        return r -> size.equals(r.params().get("size"));
    }

    private static List<BenchResult> weftRows(List<BenchResult> results, String simpleClass, List<String> methods,
                                              Predicate<BenchResult> filter) {
        return results.stream().filter(r -> r.simpleClassName().equals(simpleClass) && methods.contains(r.method())
                && filter.test(r)).toList();
    }

    /**
     * Each Weft row's score over its floor's, met at or under {@code bound}: the class baseline
     * (the default-locking floor), or for a {@code weftLegacyLocking} row the legacy-locking floor
     * if the run has one.
     */
    private static void floorRatio(List<ReportWriter.TargetCheck> checks, Map<String, List<BenchResult>> classes,
                                   List<BenchResult> results, String target, String simpleClass,
                                   Predicate<BenchResult> filter, double bound) {
        List<BenchResult> rows = weftRows(results, simpleClass, WEFT_METHODS, filter);
        if (rows.isEmpty()) {
            checks.add(new ReportWriter.TargetCheck(target, "–", "not measured in this run", null));
            return;
        }
        for (BenchResult r : rows) {
            BenchResult legacyFloor = r.method().equals("weftLegacyLocking")
                    ? floorRow(classes.get(r.className()), LEGACY_SWITCH_FLOOR, r) : null;
            BenchResult floor = legacyFloor != null ? legacyFloor : ReportWriter.baselineFor(r, classes.get(r.className()));
            double ratio = floor == null ? Double.NaN : Units.ratio(r.score(), r.unit(), floor.score(), floor.unit());
            String floorName = legacyFloor != null ? "legacy-locking floor"
                    : r.method().equals("weftLegacyLocking") ? "default-locking floor (this run has no legacy-locking one)" : "floor";
            String text = Double.isNaN(ratio) ? "no comparable floor row" : String.format(Locale.ROOT, "%.2f× the %s (%s ± %s %s%s)",
                    ratio, floorName, ReportWriter.number(r.score()), ReportWriter.number(r.scoreError()), r.unit(),
                    legacyFloor == null ? "" : "; that floor " + ReportWriter.withError(legacyFloor.score(), legacyFloor.scoreError())
                            + " " + legacyFloor.unit());
            if (!Double.isNaN(ratio) && Double.isFinite(r.scoreError()) && r.score() > 0) {
                double relative = r.scoreError() / r.score();
                if (ratio * (1 - relative) <= bound && bound <= ratio * (1 + relative)) {
                    text += "; the bound is inside the error";
                }
            }
            checks.add(new ReportWriter.TargetCheck(target, r.simpleClassName() + "." + r.label(), text,
                    Double.isNaN(ratio) ? null : ratio <= bound, basis(r, floor)));
        }
    }

    /** Each Weft row's time per operation, met below {@code boundNanos}. */
    private static void below(List<ReportWriter.TargetCheck> checks, Map<String, List<BenchResult>> classes,
                              List<BenchResult> results, String target,
                              String simpleClass, Predicate<BenchResult> filter, double boundNanos) {
        List<BenchResult> rows = weftRows(results, simpleClass, WEFT_METHODS, filter);
        if (rows.isEmpty()) {
            checks.add(new ReportWriter.TargetCheck(target, "–", "not measured in this run", null));
            return;
        }
        for (BenchResult r : rows) {
            double ns = Units.toNanos(r.score(), r.unit());
            double err = Units.toNanos(r.scoreError(), r.unit());
            String text = ReportWriter.withError(r.score(), r.scoreError()) + " " + r.unit();
            if (Double.isFinite(err) && ns - err < boundNanos && boundNanos < ns + err) {
                text += "; the bound is inside the error";
            }
            BenchResult floor = floorRow(classes.get(r.className()),
                    r.method().equals("weftLegacyLocking") ? LEGACY_WORK_FLOOR : WORK_FLOOR, r);
            double floorNs = floor == null ? Double.NaN : Units.toNanos(floor.score(), floor.unit());
            if (Double.isFinite(floorNs) && floorNs > 0) {
                text += String.format(Locale.ROOT, "; raw-continuation floor of the same work%s: %s %s (%.2f× it)",
                        r.method().equals("weftLegacyLocking") ? ", same locking" : "",
                        ReportWriter.withError(floor.score(), floor.scoreError()), floor.unit(), ns / floorNs);
                double floorErr = Units.toNanos(floor.scoreError(), floor.unit());
                if (floorNs - (Double.isFinite(floorErr) ? floorErr : 0) >= boundNanos) {
                    text += "; the bound is below that floor"; // below its whole interval, not just its mean
                }
            }
            checks.add(new ReportWriter.TargetCheck(target, r.simpleClassName() + "." + r.label(), text,
                    Double.isNaN(ns) ? null : ns < boundNanos, basis(r, floor)));
        }
    }

    private static void versusContender(List<ReportWriter.TargetCheck> checks, List<BenchResult> results, String target,
                                        String simpleClass, Predicate<BenchResult> filter, String contender,
                                        Predicate<BenchResult> contenderFilter, double maxRatio) {
        checks.addAll(contender(results, target, simpleClass, WEFT_METHODS, filter, contender, contenderFilter, maxRatio));
    }

    /**
     * Each Weft row's time against the fastest {@code contender} row of the same class: met when
     * Weft's time is at most {@code maxRatio} times the contender's.
     */
    private static List<ReportWriter.TargetCheck> contender(List<BenchResult> results, String target, String simpleClass,
                                                            List<String> methods, Predicate<BenchResult> filter,
                                                            String contender, Predicate<BenchResult> contenderFilter,
                                                            double maxRatio) {
        List<ReportWriter.TargetCheck> checks = new ArrayList<>();
        List<BenchResult> rows = weftRows(results, simpleClass, methods, filter);
        BenchResult best = ReportWriter.fastest(results, o -> o.simpleClassName().equals(simpleClass)
                && o.method().equals(contender) && contenderFilter.test(o));
        if (rows.isEmpty() || best == null) {
            checks.add(new ReportWriter.TargetCheck(target, "–", "not measured in this run", null));
            return checks;
        }
        double bestNs = Units.toNanos(best.score(), best.unit());
        double bestErr = Units.toNanos(best.scoreError(), best.unit());
        for (BenchResult r : rows) {
            double ns = Units.toNanos(r.score(), r.unit());
            double err = Units.toNanos(r.scoreError(), r.unit());
            double ratio = ns / bestNs;
            String text = String.format(Locale.ROOT, "%s %s vs %s %s for %s: %.2f× its time",
                    ReportWriter.withError(r.score(), r.scoreError()), r.unit(),
                    ReportWriter.withError(best.score(), best.scoreError()), best.unit(), best.label(), ratio);
            if (Double.isFinite(err) && Double.isFinite(bestErr)
                    && Math.abs(ns - maxRatio * bestNs) <= err + maxRatio * bestErr) {
                text += "; the 99.9% intervals do not separate them";
            }
            checks.add(new ReportWriter.TargetCheck(target, r.simpleClassName() + "." + r.label(), text, ratio <= maxRatio,
                    basis(r, best)));
        }
        return checks;
    }
}
