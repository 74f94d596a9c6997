package dev.weft.bench.diag;

import dev.weft.bench.report.RunInfo;

import java.util.Arrays;
import java.util.Locale;

/**
 * How steady the machine itself is, without Weft: samples of a single-thread loop and of a
 * two-thread ping-pong (one cache line handed back and forth between two spinning platform
 * threads, the cross-core hand-off every multi-carrier row of the benchmarks depends on), each
 * sample a fixed length of time, one phase after the other, with the host's steal during each
 * phase from {@code /proc/stat}. The spread of the samples is the noise a JMH row made of such
 * work cannot get below on this machine, whatever Weft does; docs/internals.md cites its output.
 *
 * <p>A diagnostic, not a benchmark: each sample is a mean over hundreds of thousands of loop
 * turns or round trips, timed with {@code System.nanoTime()}.
 * <pre>
 * java -cp ... dev.weft.bench.diag.CoreToCoreProbe [samples per phase (100)] [sample length in ms (300)]
 * </pre>
 */
public final class CoreToCoreProbe {
    private CoreToCoreProbe() {
    }

    /** The ball the two threads hand each other; padded so nothing else shares its cache line. */
    private static final class Ball {
        @SuppressWarnings("unused")
        long p0, p1, p2, p3, p4, p5, p6;
        volatile long value;
        @SuppressWarnings("unused")
        long q0, q1, q2, q3, q4, q5, q6;
    }

    /** Keeps the single-thread loop's result alive. */
    private static volatile long sink;

    /**
     * Runs the probe.
     *
     * @param args samples per phase and the length of one sample in milliseconds
     * @throws InterruptedException if interrupted while the ping-pong partner stops
     */
    public static void main(String[] args) throws InterruptedException {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long sampleNanos = (args.length > 1 ? Long.parseLong(args[1]) : 300) * 1_000_000L;
        singleThread(samples / 5, sampleNanos); // warm-up
        long[] before = RunInfo.readCpuTicks();
        double[] loop = singleThread(samples, sampleNanos);
        long[] between = RunInfo.readCpuTicks();
        pingPong(samples / 5, sampleNanos); // warm-up
        long[] between2 = RunInfo.readCpuTicks();
        double[] pong = pingPong(samples, sampleNanos);
        long[] after = RunInfo.readCpuTicks();
        System.out.println(describe("single-thread loop, ns per 1,000 turns", loop, before, between));
        System.out.println(describe("ping-pong, ns per round trip", pong, between2, after));
    }

    private static double[] singleThread(int samples, long sampleNanos) {
        double[] out = new double[samples];
        long x = System.nanoTime() | 1;
        for (int s = 0; s < samples; s++) {
            long turns = 0;
            long start = System.nanoTime();
            long end;
            do {
                for (int i = 0; i < 1_000; i++) { // xorshift: a dependent chain the JIT cannot fold
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
                turns++;
                end = System.nanoTime();
            } while (end - start < sampleNanos);
            out[s] = (end - start) / (double) turns;
        }
        sink = x;
        return out;
    }

    private static double[] pingPong(int samples, long sampleNanos) throws InterruptedException {
        Ball ball = new Ball();
        Thread partner = new Thread(() -> {
            // Answers every odd value with the next even one; a negative value ends it.
            long seen = 0;
            while (true) {
                long v = ball.value;
                if (v < 0) {
                    return;
                }
                if (v != seen && (v & 1) == 1) {
                    seen = v + 1;
                    ball.value = seen;
                } else {
                    Thread.onSpinWait();
                }
            }
        }, "ping-pong partner");
        partner.setDaemon(true);
        partner.start();
        double[] out = new double[samples];
        long v = 0;
        for (int s = 0; s < samples; s++) {
            long trips = 0;
            long start = System.nanoTime();
            long end;
            do {
                for (int i = 0; i < 1_000; i++) {
                    long serve = v + 1;
                    ball.value = serve;
                    while (ball.value == serve) {
                        Thread.onSpinWait();
                    }
                    v = serve + 1;
                }
                trips += 1_000;
                end = System.nanoTime();
            } while (end - start < sampleNanos);
            out[s] = (end - start) / (double) trips;
        }
        ball.value = -1;
        partner.join();
        return out;
    }

    /**
     * Median, spread and the longest run of consecutive samples more than 20% above the median:
     * a shift that lasts (a burst of the host's) rather than scattered outliers.
     */
    static String describe(String what, double[] samples, long[] stealBefore, long[] stealAfter) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double mean = Arrays.stream(samples).average().orElse(Double.NaN);
        double sd = Math.sqrt(Arrays.stream(samples).map(s -> (s - mean) * (s - mean)).sum() / (samples.length - 1));
        int longest = 0;
        int run = 0;
        for (double s : samples) {
            run = s > 1.2 * median ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        Double stealPercent = stealBefore == null ? null : RunInfo.stealPercent(stealBefore[0], stealBefore[1], stealAfter);
        String steal = stealPercent == null ? "unknown" : String.format(Locale.ROOT, "%.1f%%", stealPercent);
        return String.format(Locale.ROOT,
                "%-40s %d samples: median %.1f, min %.1f (%.2fx), max %.1f (%.2fx), sd %.1f%% of the mean; "
                        + "longest run more than 20%% above the median: %d samples; steal during the phase %s",
                what, samples.length, median, sorted[0], sorted[0] / median, sorted[sorted.length - 1],
                sorted[sorted.length - 1] / median, 100 * sd / mean, longest, steal);
    }
}
