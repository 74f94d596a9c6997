package dev.weft.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns the results of one benchmark run into the Markdown of {@code docs/benchmarks.md}.
 *
 * <h2>Implementation overview</h2>
 * The writer knows no benchmark by heart: it groups rows by package (the workload: switching,
 * spawn, generator, ...) and, inside it, by class (one question each), so a new benchmark
 * class shows up in the report as soon as it has results. Two conventions carry the meaning:
 * <ul>
 *   <li><b>Baseline.</b> A row whose method name, or one of whose parameter values, starts with
 *       {@code baseline} is a baseline of its class. Each row's ratio is its score divided by the
 *       score of the baseline row whose parameters agree with it on every parameter name both
 *       rows have, except the one that names the baseline (a baseline without parameters
 *       therefore matches every row). No such row, or more than one: no ratio.</li>
 *   <li><b>Direction.</b> Lower is better, except for throughput modes and counts of tasks.</li>
 * </ul>
 * The issues' performance targets are the one place where specific benchmarks are named
 * ({@link #targets}); each is computed from the rows of the run, and says "not measured" when
 * the rows are missing. Known workloads and classes also get a title, an opening note
 * (the executor section's names the executor behind each row; the channel section's says what
 * its scores are per, and quotes published figures, labelled as such) and a short question. Text is built with explicit {@link Locale#ROOT} formatting, so the
 * report does not change with the machine's locale.
 */
public final class ReportWriter {

    /** Workload packages in report order, with their section titles; others follow alphabetically. */
    private static final Map<String, String> WORKLOADS = new LinkedHashMap<>();

    static {
        WORKLOADS.put("switching", "Switching: yield round trip and token ring");
        WORKLOADS.put("spawn", "Spawn: spawn+join and skynet");
        WORKLOADS.put("idle", "Idle wake");
        WORKLOADS.put("affinity", "Carrier affinity");
        WORKLOADS.put("executor", "Executors");
        WORKLOADS.put("channel", "Channels");
        WORKLOADS.put("generator", "Generators");
        WORKLOADS.put("io", "I/O");
        WORKLOADS.put("memory", "Memory");
    }

    /** Classes of one workload that read best in this order; others follow alphabetically. */
    private static final List<String> CLASS_ORDER = List.of("YieldBench", "RingBench", "SpawnJoinBench", "SkynetBench",
            "ExecutorBench", "BlockingTaskBench", "VirtualThreadSchedulerBench", "PingPongBench", "ChannelThroughputBench", "SelectBench", "RetainedMemory", "MaxParked");

    /** One-line questions for the classes this module ships; other classes get their name only. */
    private static final Map<String, String> QUESTIONS = Map.ofEntries(
            Map.entry("YieldBench", "One yield round trip (suspend, back to the scheduler, resumed), measured as a batch of "
                    + "100,000 yields inside one task, per yield."),
            Map.entry("RingBench", "One hand-off of a token to the next parked task in a ring of `size` tasks, per hop."),
            Map.entry("SpawnJoinBench", "Start an empty task and wait for it, from inside a task of the same kind, per pair."),
            Map.entry("SkynetBench", "A tree of 1,111,111 tasks (1,000,000 leaves, 10 children per node) summing leaf "
                    + "indexes, per tree."),
            Map.entry("IdleWakeBench", "Hand one empty task from an outside thread to an idle scheduler and wait for it; "
                    + "`idleGapMicros` is the pause before each operation (0: the scheduler may still be spinning)."),
            Map.entry("AffinityBench", "Yield round trip on `workStealing(2)` with and without `carrierAffinity(true)`, "
                    + "`fibers` fibers sharing 100,000 yields."),
            Map.entry("ExecutorBench", "What does an `ExecutorService` user pay per short task? 1,000 short CPU tasks "
                    + "(50 JMH CPU tokens each, well under a microsecond) through one executor, one at a time "
                    + "(`sequential`: submit, wait, submit the next) or all at once (`fanOut`: submit all, then wait "
                    + "for all), **per task**. `weftFibersWithoutExecutor` runs the same tasks as bare fibers "
                    + "(`Fiber.builder().start`, `Fiber.get`) on the same scheduler: the floor of the raw-fiber mode, "
                    + "its gap to `weftRawFiberMode` being what the executor contract costs."),
            Map.entry("BlockingTaskBench", "What does code that blocks the old way cost on each executor? 200 tasks "
                    + "fanned out and awaited, **per task**, in two patterns: `sleep` (each task "
                    + "`Thread.sleep(1)`) and `handOff` (tasks in pairs over a `SynchronousQueue`, one `put`s, the "
                    + "other `take`s). The baseline is a 200-thread `ThreadPoolExecutor` (a thread per concurrent "
                    + "task, the code this replaces); `threadPool2` has as many threads as Weft has carriers. In the "
                    + "virtual-thread mode the waits unmount; in the raw-fiber mode they block a carrier and the "
                    + "watchdog adds compensating carriers: **carriersAdded** (Other metrics, Weft rows only) is the "
                    + "growth of the scheduler's `compensationsTotal`, per measured iteration."),
            Map.entry("VirtualThreadSchedulerBench", "Does a JDK virtual thread run as well on a Weft scheduler as on "
                    + "the JDK's own? The same virtual-thread code built by `Thread.ofVirtual()` (`baselineJdkYield`, "
                    + "`jdk*`: the JDK's `ForkJoinPool` scheduler, as many carriers as processors) or by "
                    + "`Schedulers.virtualThreadBuilder(scheduler)` (`weft*`: two carriers, both kinds), in pairs: "
                    + "`Yield` (1,000 `Thread.yield()`s in one thread, **per yield**), `SpawnJoin` (start and join an "
                    + "empty thread from a thread, **per thread**), `PingPong` (two threads hand a turn back and forth "
                    + "with park/unpark, **per hand-off**). Every row's ratio is against the JDK's yield; compare "
                    + "each `weft*` row with its `jdk*` pair (the targets do)."),
            Map.entry("PingPongBench", "Two tasks take turns over two channels of `capacity` 0 (rendezvous) or 1: the "
                    + "lead sends on one, the echo sends each item back on the other, so every message is a hand-off "
                    + "to a parked task. 10,000 round trips per operation, **per message** (a round trip is two "
                    + "messages). `baselineJdkQueue` is a `SynchronousQueue` (capacity 0) or an `ArrayBlockingQueue(1)` "
                    + "between virtual threads."),
            Map.entry("ChannelThroughputBench", "One producer sending without end, one consumer receiving, over a "
                    + "buffer of 64 (`buffered(64)`, jox `newBufferedChannel(64)`, Kotlin `Channel(64)`, "
                    + "`ArrayBlockingQueue(64)`), 50,000 items per operation, **per item**."),
            Map.entry("SelectBench", "A consumer running two-clause selects (a receive on each of two rendezvous "
                    + "channels, each fed by its own producer), 10,000 per operation, **per select** (one message "
                    + "each). Weft's `Select.select` is unbiased; jox's and Kotlin's `select` take the first ready "
                    + "clause. `baselineSharedQueue` has no select: both producers put into one `SynchronousQueue`."),
            Map.entry("RetainedMemory", "Heap retained per suspended task, 100,000 tasks suspended `depth` frames deep, "
                    + "measured after a full GC in a fresh JVM."),
            Map.entry("MaxParked", "The largest number of tasks suspended at depth 1 that fit in a 256 MiB heap "
                    + "(batches of 10,000 until `OutOfMemoryError`)."));

    /** Paragraphs that open a workload's section, before its tables. */
    private static final Map<String, String> WORKLOAD_NOTES = Map.of(
            "executor", "The rows of *ExecutorBench* and *BlockingTaskBench* are executors:\n\n"
                    + "| Row | Executor |\n|---|---|\n"
                    + "| `baselineThreadPoolExecutor`, `threadPool2` | `ThreadPoolExecutor` with 2 threads |\n"
                    + "| `baselineThreadPool200` | `ThreadPoolExecutor` with 200 threads |\n"
                    + "| `forkJoinPool` | `ForkJoinPool(2)` |\n"
                    + "| `virtualThreadPerTask` | `Executors.newVirtualThreadPerTaskExecutor()` (the JDK's scheduler, "
                    + "as many carriers as processors) |\n"
                    + "| `weftVirtualThreadMode` | Weft, virtual-thread mode: `FiberExecutors.newFiberPerTaskExecutor` "
                    + "on `Schedulers.workStealing(2)` |\n"
                    + "| `weftRawFiberMode` | Weft, raw-fiber mode: `FiberExecutors.newRawFiberPerTaskExecutor` on "
                    + "the same scheduler |\n"
                    + "| `weftFibersWithoutExecutor` | no executor: bare Weft fibers on the same scheduler |\n\n"
                    + "Which mode for which code, and how to migrate from a thread pool: `docs/executors.md`.",
            "channel", "Every score in this section is per message (ping-pong: half a round trip), so the "
                    + "**Alloc B/op** column is bytes allocated per message. The long-lived tasks of each row are "
                    + "started once per trial: Weft fibers on the row's `scheduler`, jox channels and JDK queues "
                    + "between virtual threads, Kotlin coroutines on `Dispatchers.Default` or inside `runBlocking` "
                    + "(`dispatcher`). The benchmark thread asks for each batch and waits for it, one cross-thread "
                    + "wake-up per batch of thousands of messages. A message that makes a Weft task park also pays "
                    + "the park's own cost, allocation included: that is *YieldBench*'s Alloc column (one suspension "
                    + "per yield; the held-monitor check, see `docs/internals.md`).\n\n"
                    + "**Published figures from elsewhere, not measured here:** jox's own benchmark table (Apple "
                    + "M1 Max) gives rendezvous channels: jox 199 ns, Kotlin 108 ns; `buffered(16)`: jox 201 ns, "
                    + "Kotlin 36 ns. Other hardware and another benchmark shape: for orientation only; the targets "
                    + "compare rows of this run.");

    private ReportWriter() {
    }

    // ----------------------------------------------------------------------------------------
    // Grouping and ratios

    /** The rows grouped by benchmark class, classes in report order (workload, then class name). */
    public static Map<String, List<BenchResult>> byClass(List<BenchResult> results) {
        List<BenchResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt((BenchResult r) -> workloadRank(workload(r)))
                .thenComparing(ReportWriter::workload)
                .thenComparingInt(r -> classRank(r.simpleClassName()))
                .thenComparing(BenchResult::simpleClassName)
                .thenComparing(BenchResult::className));
        Map<String, List<BenchResult>> groups = new LinkedHashMap<>();
        for (BenchResult r : sorted) {
            groups.computeIfAbsent(r.className(), k -> new ArrayList<>()).add(r);
        }
        groups.replaceAll((k, rows) -> orderRows(rows));
        return groups;
    }

    /** Baselines first, then the other methods in the order they first appear, params as given. */
    private static List<BenchResult> orderRows(List<BenchResult> rows) {
        List<String> methods = new ArrayList<>();
        for (BenchResult r : rows) {
            if (!methods.contains(r.method())) {
                methods.add(r.method());
            }
        }
        List<BenchResult> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparing((BenchResult r) -> !r.isBaseline())
                .thenComparingInt(r -> methods.indexOf(r.method())));
        return ordered;
    }

    /** The last package segment of a row's class: its workload, e.g. {@code switching}. */
    static String workload(BenchResult r) {
        String p = r.packageName();
        return p.substring(p.lastIndexOf('.') + 1);
    }

    private static int classRank(String simpleClassName) {
        int i = CLASS_ORDER.indexOf(simpleClassName);
        return i < 0 ? CLASS_ORDER.size() : i;
    }

    private static int workloadRank(String workload) {
        int i = 0;
        for (String w : WORKLOADS.keySet()) {
            if (w.equals(workload)) {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * The baseline row for {@code row} among {@code classRows}: the one baseline whose parameters
     * agree with {@code row} on every shared name; null if there is none or more than one.
     */
    public static BenchResult baselineFor(BenchResult row, List<BenchResult> classRows) {
        BenchResult found = null;
        for (BenchResult b : classRows) {
            if (!b.isBaseline() || !b.className().equals(row.className()) || !paramsAgree(b, row)) {
                continue;
            }
            if (found != null) {
                return null;
            }
            found = b;
        }
        return found;
    }

    /** Whether {@code baseline}'s params agree with {@code row}'s, ignoring the one that names the baseline. */
    private static boolean paramsAgree(BenchResult baseline, BenchResult row) {
        for (Map.Entry<String, String> e : baseline.params().entrySet()) {
            String other = row.params().get(e.getKey());
            if (other != null && !other.equals(e.getValue()) && !e.getValue().startsWith("baseline")) {
                return false;
            }
        }
        return true;
    }

    /** {@code row}'s score divided by its baseline's (see {@link #baselineFor}); NaN if it has none. */
    public static double ratio(BenchResult row, List<BenchResult> classRows) {
        BenchResult b = baselineFor(row, classRows);
        return b == null ? Double.NaN : Units.ratio(row.score(), row.unit(), b.score(), b.unit());
    }

    // ----------------------------------------------------------------------------------------
    // Tables

    /** The Markdown table of one class's rows; a last column shows the rows' own secondary metrics, if any. */
    public static String table(List<BenchResult> classRows) {
        boolean extra = classRows.stream().anyMatch(r -> !r.extraMetrics().isEmpty());
        StringBuilder sb = new StringBuilder();
        sb.append("| Benchmark | Params | Score | Error (99.9%) | Unit | vs baseline | Alloc B/op |")
                .append(extra ? " Other metrics |\n" : "\n");
        sb.append("|---|---|---:|---:|---|---:|---:|").append(extra ? "---|\n" : "\n");
        for (BenchResult r : classRows) {
            double ratio = ratio(r, classRows);
            String ratioText = Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
            if (r.isBaseline() && !Double.isNaN(ratio)) {
                ratioText += " (baseline)";
            }
            sb.append("| ").append(r.method())
                    .append(" | ").append(r.paramsText().isEmpty() ? "–" : r.paramsText())
                    .append(" | ").append(number(r.score()))
                    .append(" | ").append(Double.isNaN(r.scoreError()) ? "–" : "± " + number(r.scoreError()))
                    .append(" | ").append(r.unit())
                    .append(" | ").append(ratioText)
                    .append(" | ").append(Double.isNaN(r.allocBytesPerOp()) ? "–" : number(r.allocBytesPerOp()))
                    .append(" |");
            if (extra) {
                sb.append(' ').append(extraText(r)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String extraText(BenchResult r) {
        if (r.extraMetrics().isEmpty()) {
            return "–";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(r.extraMetrics()).forEach((name, m) -> sb.append(sb.isEmpty() ? "" : ", ")
                .append(name).append(' ').append(number(m.score())).append(m.unit().equals("#") ? "" : " " + m.unit()));
        return sb.toString();
    }

    /** A score as text: thousands separated above 1,000, one decimal above 10, three below. */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "–";
        }
        double abs = Math.abs(d);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        return String.format(Locale.ROOT, "%.3f", d);
    }

    // ----------------------------------------------------------------------------------------
    // Targets

    /**
     * One variant checked against one target.
     *
     * @param target   the target, in words
     * @param variant  the benchmark row checked (method and params), or "–" if not measured
     * @param measured the measured value, in words
     * @param met      whether the target was met; null if not measured
     * @param basis    the rows the verdict read (the row checked and the floor or contender it is
     *                 judged against), for the report's account of their errors; empty where a
     *                 check does not say
     */
    public record TargetCheck(String target, String variant, String measured, Boolean met, List<BenchResult> basis) {
        /** Freezes the basis. */
        public TargetCheck {
            basis = List.copyOf(basis);
        }

        /** A check that does not name the rows it read. */
        public TargetCheck(String target, String variant, String measured, Boolean met) {
            this(target, variant, measured, met, List.of());
        }
    }

    /**
     * The rows the scheduling targets read in a run made of {@code rows}: each Weft row a check
     * judges and the floor or contender it is judged against, without repeats, in the order the
     * checks read them. It depends on which rows exist, not on their scores (but a check that
     * picks the fastest contender needs finite ones), so the runner calls it on rows of a made-up
     * score (every benchmark and parameter combination the jar has) to learn which rows the
     * {@code standard} profile measures with its target settings.
     */
    public static List<BenchResult> schedulingBasis(List<BenchResult> rows) {
        return SchedulingTargets.check(rows).stream().flatMap(c -> c.basis().stream()).distinct().toList();
    }

    /** Checks the issue's performance targets against the rows of this run. */
    public static List<TargetCheck> targets(List<BenchResult> results) {
        Map<String, List<BenchResult>> classes = byClass(results);
        List<TargetCheck> checks = new ArrayList<>();
        addChecks(checks, "At most 300 B retained per parked fiber at depth 1",
                rows(results, "RetainedMemory", "weftFiber", r -> "1".equals(r.params().get("depth"))), r ->
                        new Object[] {number(r.score()) + " " + r.unit(), r.score() <= 300});
        executorTargets(results, checks);
        channelTargets(results, checks);
        checks.addAll(SchedulingTargets.check(results));
        return checks;
    }

    /**
     * The executor issue's targets. Weft's virtual-thread mode at least as fast as
     * {@code newVirtualThreadPerTaskExecutor()} on each row (pattern) of {@code ExecutorBench} and
     * {@code BlockingTaskBench}; the raw-fiber mode faster than every other executor on
     * {@code ExecutorBench}'s fan-out (the JDK's three; Weft's virtual-thread mode and the bare
     * fibers are Weft's own rows, not contenders); and each virtual-thread pattern on a Weft
     * scheduler at or under the same pattern on the JDK's scheduler.
     */
    private static void executorTargets(List<BenchResult> results, List<TargetCheck> checks) {
        for (String bench : List.of("ExecutorBench", "BlockingTaskBench")) {
            addChecks(checks, "Virtual-thread mode at least as fast as `newVirtualThreadPerTaskExecutor()` (" + bench
                            + ", same pattern)",
                    rows(results, bench, "weftVirtualThreadMode", x -> true),
                    r -> versus(r, fastest(results, o -> o.simpleClassName().equals(bench)
                            && o.method().equals("virtualThreadPerTask") && samePattern(o, r)), true, "task"));
        }
        Predicate<BenchResult> fanOut = r -> "fanOut".equals(r.params().get("pattern"));
        addChecks(checks, "Raw-fiber mode ahead of every contender on fan-out (ExecutorBench: `ThreadPoolExecutor`, "
                        + "`ForkJoinPool`, `newVirtualThreadPerTaskExecutor()`)",
                rows(results, "ExecutorBench", "weftRawFiberMode", fanOut),
                r -> versus(r, fastest(results, o -> o.simpleClassName().equals("ExecutorBench") && fanOut.test(o)
                        && !o.method().startsWith("weft")), false, "task"));
        for (String[] pair : List.of(new String[] {"weftYield", "baselineJdkYield", "yield"},
                new String[] {"weftSpawnJoin", "jdkSpawnJoin", "thread"},
                new String[] {"weftPingPong", "jdkPingPong", "hand-off"})) {
            addChecks(checks, "Virtual threads on a Weft scheduler at or under the JDK's scheduler (VirtualThreadSchedulerBench `"
                            + pair[0] + "` vs `" + pair[1] + "`)",
                    rows(results, "VirtualThreadSchedulerBench", pair[0], x -> true),
                    r -> versus(r, fastest(rows(results, "VirtualThreadSchedulerBench", pair[1], x -> true), o -> true),
                            true, pair[2]));
        }
    }

    /** Whether two rows have the same {@code pattern} parameter (both none counts as the same). */
    private static boolean samePattern(BenchResult a, BenchResult b) {
        return Objects.equals(a.params().get("pattern"), b.params().get("pattern"));
    }

    /**
     * The channel issue's targets: Weft's rendezvous ping-pong faster than every other contender
     * of the run; Weft's {@code buffered(64)} throughput at least Kotlin's (its faster dispatcher);
     * zero bytes allocated per message on Weft's channels.
     */
    private static void channelTargets(List<BenchResult> results, List<TargetCheck> checks) {
        Predicate<BenchResult> rendezvous = r -> "0".equals(r.params().get("capacity"));
        List<BenchResult> rendezvousRows = results.stream()
                .filter(r -> r.simpleClassName().equals("PingPongBench") && rendezvous.test(r)).toList();
        addChecks(checks, "Rendezvous ping-pong: Weft faster than every other contender in the same run (Kotlin included)",
                rows(results, "PingPongBench", "weft", rendezvous),
                r -> versus(r, fastest(rendezvousRows, o -> !o.method().equals("weft")), false, "message"));
        List<BenchResult> kotlinThroughput = rows(results, "ChannelThroughputBench", "kotlin", x -> true);
        addChecks(checks, "`buffered(64)` throughput: Weft at least Kotlin's (time per item at most the faster Kotlin row's)",
                rows(results, "ChannelThroughputBench", "weft", x -> true),
                r -> versus(r, fastest(kotlinThroughput, o -> true), true, "message"));
        List<BenchResult> allocRows = new ArrayList<>(rows(results, "PingPongBench", "weft", x -> true));
        allocRows.addAll(rows(results, "ChannelThroughputBench", "weft", x -> true));
        addChecks(checks, "0 B allocated per message on Weft channels, rendezvous and buffered (`-prof gc` norm "
                + "plus its error rounds to 0 B)", allocRows, r -> {
                    double alloc = r.allocBytesPerOp();
                    if (Double.isNaN(alloc)) {
                        return new Object[] {"no `-prof gc` data", null};
                    }
                    double error = Double.isFinite(r.allocError()) ? r.allocError() : 0;
                    String text = number(alloc) + (Double.isFinite(r.allocError()) ? " ± " + number(r.allocError()) : "")
                            + " B/message";
                    return new Object[] {text, alloc + error < 0.5};
                });
    }

    /** The row with the least time per operation among {@code rows} that pass {@code filter}; null if none. */
    static BenchResult fastest(List<BenchResult> rows, Predicate<BenchResult> filter) {
        return rows.stream().filter(filter).filter(r -> !Double.isNaN(Units.toNanos(r.score(), r.unit())))
                .min(Comparator.comparingDouble(r -> Units.toNanos(r.score(), r.unit()))).orElse(null);
    }

    /**
     * {@code r} against the best other row, in time per {@code per} (message, task, ...): met if
     * {@code r} is faster (or, with {@code tieMeets}, as fast); not measured if there is no other
     * row. The verdict goes by the scores; both errors are shown, and when the two 99.9%
     * intervals overlap the text says so, since the run then cannot tell the two apart.
     */
    private static Object[] versus(BenchResult r, BenchResult best, boolean tieMeets, String per) {
        double ns = Units.toNanos(r.score(), r.unit());
        double err = Units.toNanos(r.scoreError(), r.unit());
        if (best == null) {
            return new Object[] {String.format(Locale.ROOT, "%s ns/%s; no other contender in this run",
                    withError(ns, err), per), null};
        }
        double bestNs = Units.toNanos(best.score(), best.unit());
        double bestErr = Units.toNanos(best.scoreError(), best.unit());
        String text = String.format(Locale.ROOT, "%s ns/%s vs %s ns/%s for %s (%.2f×)", withError(ns, err), per,
                withError(bestNs, bestErr), per, best.label(), ns / bestNs);
        if (Double.isFinite(err) && Double.isFinite(bestErr) && Math.abs(ns - bestNs) <= err + bestErr) {
            text += "; the 99.9% intervals overlap";
        }
        return new Object[] {text, Double.isNaN(ns) || Double.isNaN(bestNs) ? null : tieMeets ? ns <= bestNs : ns < bestNs};
    }

    /** A value with its error, {@code 12.0 ± 1.000}, or the value alone when the error is unknown. */
    static String withError(double value, double error) {
        return Double.isFinite(error) ? number(value) + " ± " + number(error) : number(value);
    }

    private static List<BenchResult> rows(List<BenchResult> results, String simpleClass, String method,
                                          Predicate<BenchResult> filter) {
        return results.stream()
                .filter(r -> r.simpleClassName().equals(simpleClass) && r.method().equals(method) && filter.test(r))
                .toList();
    }

    private static void addChecks(List<TargetCheck> checks, String target, List<BenchResult> rows,
                                  Function<BenchResult, Object[]> measure) {
        if (rows.isEmpty()) {
            checks.add(new TargetCheck(target, "–", "not measured in this run", null));
            return;
        }
        for (BenchResult r : rows) {
            Object[] m = measure.apply(r);
            checks.add(new TargetCheck(target, r.simpleClassName() + "." + r.label(), (String) m[0], (Boolean) m[1]));
        }
    }

    // ----------------------------------------------------------------------------------------
    // The whole report

    /**
     * The Markdown report.
     *
     * @param info      the run's description
     * @param results   every row of the run (JMH and memory probes)
     * @param dataFiles the result files, as links relative to the report
     * @param plots     benchmark class (fully qualified) to the plot's path relative to the report
     */
    public static String render(RunInfo info, List<BenchResult> results, List<String> dataFiles,
                                Map<String, String> plots) {
        return render(info, results, List.of(), dataFiles, plots);
    }

    /**
     * The Markdown report, with the network-load rows of the run.
     *
     * @param info      the run's description
     * @param results   every row of the run (JMH and memory probes)
     * @param io        the run's network-load rows ({@link IoLoad}), possibly none
     * @param dataFiles the result files, as links relative to the report
     * @param plots     benchmark class (fully qualified) to the plot's path relative to the report
     */
    public static String render(RunInfo info, List<BenchResult> results, List<IoLoad.Row> io, List<String> dataFiles,
                                Map<String, String> plots) {
        return render(info, results, io, dataFiles, plots, Map.of());
    }

    /**
     * The Markdown report, with the network-load rows of the run and how its JMH rows were measured.
     *
     * @param info      the run's description
     * @param results   every row of the run (JMH and memory probes)
     * @param io        the run's network-load rows ({@link IoLoad}), possibly none
     * @param dataFiles the result files, as links relative to the report
     * @param plots     benchmark class (fully qualified) to the plot's path relative to the report
     * @param settings  JMH's settings to the number of rows measured with them ({@link JmhJson#settings}),
     *                  possibly none
     */
    public static String render(RunInfo info, List<BenchResult> results, List<IoLoad.Row> io, List<String> dataFiles,
                                Map<String, String> plots, Map<String, Integer> settings) {
        Objects.requireNonNull(info, "info");
        StringBuilder sb = new StringBuilder();
        sb.append("# Weft benchmarks\n\n");
        sb.append("Written by `dev.weft.bench.report.ReportWriter` from the results of one run of `fiber-bench`; ")
                .append("every number below comes from that run. Do not edit by hand: rerun the command.\n\n");
        header(sb, info, dataFiles, settings);
        howToRead(sb);
        targetsSection(sb, results, io);
        notMeasured(sb, results, info);
        IoLoad.section(sb, io);
        Map<String, List<BenchResult>> classes = byClass(results);
        String currentWorkload = null;
        for (Map.Entry<String, List<BenchResult>> e : classes.entrySet()) {
            List<BenchResult> rows = e.getValue();
            String workload = workload(rows.get(0));
            if (!workload.equals(currentWorkload)) {
                currentWorkload = workload;
                sb.append("## ").append(WORKLOADS.getOrDefault(workload, capitalise(workload))).append("\n\n");
                String note = WORKLOAD_NOTES.get(workload);
                if (note != null && rows.get(0).packageName().startsWith("dev.weft.bench")) {
                    sb.append(note).append("\n\n");
                }
            }
            String simple = rows.get(0).simpleClassName();
            sb.append("### ").append(simple).append("\n\n");
            String question = QUESTIONS.get(simple);
            if (question != null && rows.get(0).packageName().startsWith("dev.weft.bench")) {
                sb.append(question).append(' ');
            }
            sb.append(direction(rows)).append("\n\n");
            sb.append(table(rows)).append('\n');
            String plot = plots.get(e.getKey());
            if (plot != null) {
                sb.append("![").append(simple).append("](").append(plot).append(")\n\n");
            }
        }
        BackendComparison.section(sb, results);
        caveats(sb, info);
        return sb.toString();
    }

    private static String direction(List<BenchResult> rows) {
        boolean higher = rows.stream().allMatch(BenchResult::higherIsBetter);
        boolean lower = rows.stream().noneMatch(BenchResult::higherIsBetter);
        String base = rows.stream().anyMatch(BenchResult::isBaseline)
                ? "Baseline: `" + baselineName(rows.get(0)) + "`."
                : "This class has no baseline (no method or parameter value starting with `baseline`), so no ratios.";
        return (higher ? "Higher is better. " : lower ? "Lower is better. " : "") + base;
    }

    private static String baselineName(BenchResult baseline) {
        if (baseline.method().startsWith("baseline")) {
            return baseline.method();
        }
        return baseline.params().entrySet().stream().filter(e -> e.getValue().startsWith("baseline"))
                .map(e -> e.getKey() + "=" + e.getValue()).findFirst().orElse(baseline.method());
    }

    private static void header(StringBuilder sb, RunInfo info, List<String> dataFiles, Map<String, Integer> settings) {
        sb.append("| | |\n|---|---|\n");
        sb.append("| Profile | `").append(info.profile()).append("` |\n");
        sb.append("| Command | `").append(info.command()).append("` (from the repository root) |\n");
        sb.append("| Started / finished | ").append(info.startedAt()).append(" / ").append(info.finishedAt()).append(" |\n");
        sb.append("| Machine | ").append(info.cpuModel()).append(", ").append(info.cores()).append(" cores, ")
                .append(info.memoryBytes() > 0
                        ? String.format(Locale.ROOT, "%.1f GiB", info.memoryBytes() / (double) (1L << 30))
                        : "memory unknown")
                .append(", ").append(info.os()).append(" |\n");
        sb.append("| JDK | ").append(info.jdk()).append(" |\n");
        sb.append("| Load average (1 min) at start / end | ").append(load(info.loadBefore())).append(" / ")
                .append(load(info.loadAfter())).append(" |\n");
        sb.append("| CPU time stolen by the hypervisor during the run (`/proc/stat`) | ")
                .append(info.stealPercent() == null ? "unknown" : String.format(Locale.ROOT, "%.1f%%", info.stealPercent()))
                .append(info.stealPercent() != null && info.stealPercent() >= 5
                        ? " (a virtual CPU waited that share of the time for the host: rows are slower and noisier, those with several threads most)" : "")
                .append(" |\n");
        if (!settings.isEmpty()) {
            sb.append("| JMH settings | ").append(settings.entrySet().stream()
                    .map(s -> s.getValue() + (s.getValue() == 1 ? " row: " : " rows: ") + s.getKey())
                    .collect(Collectors.joining("; "))).append(settings.size() > 1 && info.profile().equals("standard")
                    ? " (the rows the scheduling targets read have the longer settings: see the errors under the targets table)" : "")
                    .append(" |\n");
        }
        if (!dataFiles.isEmpty()) {
            sb.append("| Data | ");
            for (int i = 0; i < dataFiles.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append('[').append(dataFiles.get(i)).append("](")
                        .append(dataFiles.get(i)).append(')');
            }
            sb.append(" |\n");
        }
        sb.append('\n');
    }

    private static String load(double load) {
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }

    private static void howToRead(StringBuilder sb) {
        sb.append("## How to read this\n\n");
        sb.append("- **Score** is JMH's mean over the measured iterations; **Error** is the half-width of its 99.9% ")
                .append("confidence interval (– when too few iterations to compute one; for the memory probes, half the ")
                .append("spread of their rounds). With few iterations on a busy machine the interval is wide: ")
                .append("read it before reading a ratio.\n");
        sb.append("- **vs baseline** is the score divided by the score of the baseline row of the same table, ")
                .append("from the same run: below 1.00× is faster (or smaller) than the baseline where lower is better.\n");
        sb.append("- **Alloc B/op** is JMH's `-prof gc` `gc.alloc.rate.norm`: bytes allocated per operation, ")
                .append("including the batch's own task creation spread over its operations.\n");
        sb.append("- **Other metrics** are a benchmark's own counters (`@AuxCounters`), as the mean of their ")
                .append("measured iterations (JMH's own score for them is the sum).\n");
        sb.append("- Batched benchmarks (`@OperationsPerInvocation`) run many yields, hops, spawns or messages per operation ")
                .append("and report the cost of one.\n\n");
    }

    private static void targetsSection(StringBuilder sb, List<BenchResult> results, List<IoLoad.Row> io) {
        sb.append("## Targets\n\n");
        sb.append("The performance targets of the foundation, executor, channel, scheduling-performance and I/O issues, checked "
                + "against this run. `weftLegacyLocking` rows run the same Weft code in forks with `-XX:LockingMode=1`, where "
                + "the JVM pins a fiber holding a monitor and Weft makes no held-monitor stack walk at a suspension: "
                + "the difference from the `weft` row is what that walk costs (docs/internals.md). Each floor (the raw "
                + "continuation doing the same work) has a twin run in such a fork, and a `weftLegacyLocking` row is judged "
                + "against the floor of its own mode; a bound in time names the floor of the same work, and says so when "
                + "the bound is below it.\n\n");
        sb.append("| Target | Variant | Measured | Met |\n|---|---|---|---|\n");
        List<TargetCheck> checks = new ArrayList<>(targets(results));
        checks.addAll(IoLoad.targets(io));
        for (TargetCheck c : checks) {
            sb.append("| ").append(c.target()).append(" | ").append(c.variant()).append(" | ")
                    .append(c.measured()).append(" | ")
                    .append(c.met() == null ? "not measured" : c.met() ? "yes" : "**no**").append(" |\n");
        }
        sb.append('\n');
        basisErrors(sb, checks);
    }

    /** The largest error, as a share of the score, that lets a row support a ratio (the issue's 10%). */
    static final double SUPPORTING_ERROR = 0.10;

    /**
     * Says which rows behind the targets (each checked row and the floor or contender it is judged
     * against) have a 99.9% error above {@link #SUPPORTING_ERROR} of their score: a ratio that
     * involves one of them is not supported by this run, whatever the "Met" column says.
     */
    static void basisErrors(StringBuilder sb, List<TargetCheck> checks) {
        Map<String, BenchResult> basis = new LinkedHashMap<>();
        for (TargetCheck c : checks) {
            for (BenchResult r : c.basis()) {
                basis.putIfAbsent(r.simpleClassName() + "." + r.label(), r);
            }
        }
        if (basis.isEmpty()) {
            return;
        }
        List<String> wide = new ArrayList<>();
        int unknown = 0;
        for (Map.Entry<String, BenchResult> e : basis.entrySet()) {
            BenchResult r = e.getValue();
            if (!Double.isFinite(r.scoreError()) || r.score() <= 0) {
                unknown++;
                wide.add(e.getKey() + " (no error)");
            } else if (r.scoreError() / r.score() > SUPPORTING_ERROR) {
                // one decimal: a row just above the line must not read as "±10%"
                wide.add(String.format(Locale.ROOT, "%s ±%.1f%%", e.getKey(), 100 * r.scoreError() / r.score()));
            }
        }
        sb.append(String.format(Locale.ROOT, "**Errors behind the scheduling targets.** The checks above read %d rows "
                + "(each Weft row and the floor or contender it is judged against); %d of them have a 99.9%% error "
                + "within %.0f%% of their score", basis.size(), basis.size() - wide.size(), 100 * SUPPORTING_ERROR));
        if (wide.isEmpty()) {
            sb.append(", all of them: every ratio above is supported by this run's errors.\n\n");
            return;
        }
        sb.append(". A ratio that involves one of the other ").append(wide.size())
                .append(unknown > 0 ? " (" + unknown + " without an error)" : "")
                .append(" is not supported by this run's errors, whatever its verdict: ")
                .append(String.join(", ", wide)).append(".\n\n");
    }

    private static void notMeasured(StringBuilder sb, List<BenchResult> results, RunInfo info) {
        List<String> notes = new ArrayList<>();
        if (results.stream().noneMatch(r -> workload(r).equals("channel"))) {
            notes.add("**Channels**: no channel rows in this run (ping-pong, producer/consumer, select).");
        } else if (results.stream().noneMatch(r -> workload(r).equals("channel") && r.method().equals("weft"))) {
            notes.add("**Weft channels**: the channel benchmarks have no Weft rows in this run (see the failures), "
                    + "so their targets are not measured.");
        }
        if (results.stream().noneMatch(r -> workload(r).equals("executor"))) {
            notes.add("**Executors**: no executor rows in this run (short tasks, blocking tasks, virtual threads on "
                    + "a Weft scheduler).");
        } else if (results.stream().noneMatch(r -> workload(r).equals("executor") && r.method().startsWith("weft"))) {
            notes.add("**Weft executors**: the executor benchmarks have no Weft rows in this run (left out, or "
                    + "failed: see below), so their targets are not measured.");
        }
        boolean stackless = results.stream().anyMatch(r -> (r.benchmark() + r.params())
                .toLowerCase(Locale.ROOT).contains("stackless"));
        if (!stackless) {
            notes.add("**Weft stackless coroutines**: no stackless rows in this run.");
        }
        for (String failure : info.failures()) {
            notes.add("**Failed in this run**: " + failure);
        }
        if (!notes.isEmpty()) {
            sb.append("## Not measured\n\n");
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
            sb.append('\n');
        }
    }

    private static void caveats(StringBuilder sb, RunInfo info) {
        sb.append("## Caveats\n\n");
        if (info.loadBefore() > 1.5) {
            sb.append(String.format(Locale.ROOT, "- **The machine was busy when this run started** (load average "
                    + "%.2f on %d cores): other work competed for the cores, so absolute numbers are pessimistic "
                    + "and noisier than usual.%n", info.loadBefore(), info.cores()));
        }
        if (info.profile().equals("standard")) {
            sb.append("- This is the **standard** profile: the classes of the targets table (YieldBench, RingBench, "
                    + "SpawnJoinBench, SkynetBench, IdleWakeBench) ran 2 forks of 3 × 1 s warm-up and 5 × 1 s measurement "
                    + "each; every other class 1 fork of 3 × 0.3 s + 5 × 0.3 s, so read their ratios with their errors.\n");
        }
        if (info.profile().equals("quick")) {
            sb.append("- This is the **quick** profile: one fork and short iterations, meant to show every "
                    + "contender working and rough ratios. Use the `full` profile for numbers to quote.\n");
        }
        sb.append("- Small shared VMs are noisy. Trust ratios within one run more than absolute numbers, and ")
                .append("absolute numbers across runs least.\n");
        sb.append("- Waking an idle core costs tens of microseconds on such VMs. Any benchmark that hands work to ")
                .append("a sleeping thread pays it (see *Idle wake*); the batched benchmarks pay it once per batch.\n");
        sb.append("- Kotlin code runs with `kotlinx-coroutines-core` on `Dispatchers.Default` unless the params say ")
                .append("`runBlocking` (a single-threaded event loop on the calling thread).\n");
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
