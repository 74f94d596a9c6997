package dev.weft.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * JMH output for a long run: one short progress line per benchmark on the console, JMH's full
 * human-readable output in a log file (the {@code delegate}). Remembers the benchmarks that
 * failed, for the report. Called by JMH's runner thread only.
 */
final class ProgressFormat implements OutputFormat {
    private final PrintStream console;
    private final OutputFormat delegate;
    private final int total;
    private final long runStart = System.nanoTime();
    private final List<String> failures = new ArrayList<>();
    private int started;
    private long benchmarkStart;
    private String current;
    private boolean currentFailed;

    /**
     * @param console  where progress lines go
     * @param delegate JMH's own format, writing to the log
     * @param total    the number of benchmark runs expected, for "[n/total]"; 0 if unknown
     */
    ProgressFormat(PrintStream console, OutputFormat delegate, int total) {
        this.console = console;
        this.delegate = delegate;
        this.total = total;
    }

    /** Benchmarks (with params) that ended without a result. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    static String label(BenchmarkParams params) {
        String name = params.getBenchmark();
        int cut = name.lastIndexOf('.', name.lastIndexOf('.') - 1);
        StringBuilder sb = new StringBuilder(name.substring(cut + 1));
        for (String key : params.getParamsKeys()) {
            sb.append(' ').append(key).append('=').append(params.getParam(key));
        }
        return sb.toString();
    }

    @Override
    public void startBenchmark(BenchmarkParams benchParams) {
        started++;
        current = label(benchParams);
        currentFailed = false;
        benchmarkStart = System.nanoTime();
        delegate.startBenchmark(benchParams);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        delegate.endBenchmark(result);
        String counter = total > 0 ? String.format(Locale.ROOT, "[%3d/%d]", started, total)
                : String.format(Locale.ROOT, "[%3d]", started);
        double seconds = (System.nanoTime() - benchmarkStart) / 1e9;
        double elapsed = (System.nanoTime() - runStart) / 60e9;
        if (result == null || currentFailed) {
            failures.add(current + " (see the JMH log)");
            console.printf(Locale.ROOT, "%s %-60s FAILED (%.1f s, %.1f min so far)%n", counter, current, seconds, elapsed);
            return;
        }
        Result<?> primary = result.getPrimaryResult();
        Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
        String error = Double.isNaN(primary.getScoreError()) ? ""
                : String.format(Locale.ROOT, "± %.3f", primary.getScoreError());
        console.printf(Locale.ROOT, "%s %-60s %12.3f %-12s %-6s%s (%.1f s, %.1f min so far)%n", counter, current,
                primary.getScore(), error, primary.getScoreUnit(),
                alloc == null ? "" : String.format(Locale.ROOT, " %8.0f B/op", alloc.getScore()), seconds, elapsed);
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        delegate.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        delegate.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void startRun() {
        delegate.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        delegate.endRun(result);
    }

    @Override
    public void print(String s) {
        delegate.print(s);
    }

    @Override
    public void println(String s) {
        if (s.contains("<failure>")) {
            currentFailed = true;
        }
        delegate.println(s);
    }

    @Override
    public void flush() {
        delegate.flush();
        console.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void verbosePrintln(String s) {
        delegate.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        delegate.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        delegate.write(b);
    }
}
