package dev.weft.bench.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The network-load rows of a run: the record {@code dev.weft.bench.io.LoadSuite} fills, the JSON
 * file it is written to and read back from, and the report section and target checks made from it.
 */
public final class IoLoad {

    /**
     * One server under one workload, as {@code LoadSuite} wrote it.
     *
     * @param server                 the server and workload, e.g. {@code weft-fibers http}
     * @param family                 weft, virtual-threads or thread-pool
     * @param workload               echo or http
     * @param connections            concurrent connections
     * @param requestsPerConnection  round trips each connection made, one after the other
     * @param requests               round trips completed
     * @param errors                 round trips that failed or returned wrong bytes
     * @param seconds                wall time of the round trips
     * @param rps                    round trips per second
     * @param p50Micros              median latency of a round trip
     * @param p99Micros              99th percentile
     * @param p999Micros             99.9th percentile
     * @param bytesPerIdleConnection heap after GC per idle connection
     */
    public record Row(String server, String family, String workload, int connections, int requestsPerConnection,
                      long requests, long errors, double seconds, double rps, double p50Micros, double p99Micros,
                      double p999Micros, long bytesPerIdleConnection) {

        /** This row as one JSON object, in the order {@link #parse} and the file's readers expect. */
        public String json() {
            return String.format(Locale.ROOT,
                    "{\"server\": \"%s\", \"family\": \"%s\", \"workload\": \"%s\", \"connections\": %d, "
                            + "\"requestsPerConnection\": %d, \"requests\": %d, \"errors\": %d, \"seconds\": %.3f, "
                            + "\"rps\": %.1f, \"p50Micros\": %.1f, \"p99Micros\": %.1f, \"p999Micros\": %.1f, "
                            + "\"bytesPerIdleConnection\": %d}",
                    server, family, workload, connections, requestsPerConnection, requests, errors, seconds, rps,
                    p50Micros, p99Micros, p999Micros, bytesPerIdleConnection);
        }

        /** The server without the workload: {@code weft-fibers}, {@code virtual-threads}, ... */
        public String contender() {
            return server.endsWith(" " + workload) ? server.substring(0, server.length() - workload.length() - 1) : server;
        }
    }

    private IoLoad() {
    }

    /** Writes {@code rows} to {@code out} as a JSON array, one row per line (parent directories created). */
    public static void write(Path out, List<Row> rows) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            sb.append("  ").append(rows.get(i).json()).append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("]\n");
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, sb.toString(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + out, e);
        }
    }

    /** The rows of {@code file}; an empty list if it does not exist. */
    public static List<Row> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return parse(Files.readString(file));
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IOException("not a LoadSuite result file: " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static List<Row> parse(String json) {
        List<Row> rows = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            rows.add(new Row(o.get("server").getAsString(), o.get("family").getAsString(), o.get("workload").getAsString(),
                    o.get("connections").getAsInt(), o.get("requestsPerConnection").getAsInt(), o.get("requests").getAsLong(),
                    o.get("errors").getAsLong(), o.get("seconds").getAsDouble(), o.get("rps").getAsDouble(),
                    o.get("p50Micros").getAsDouble(), o.get("p99Micros").getAsDouble(), o.get("p999Micros").getAsDouble(),
                    o.get("bytesPerIdleConnection").getAsLong()));
        }
        return rows;
    }

    /** The report's section: a table of every row and how to read it; nothing if there are no rows. */
    static void section(StringBuilder sb, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        sb.append("## Network load (fiber I/O)\n\n");
        sb.append("`dev.weft.bench.io.LoadSuite`: each server in a JVM of its own, N loopback connections each doing a ")
                .append("fixed number of request/response round trips one after the other (closed loop), every reply ")
                .append("checked byte for byte, latency of each round trip in an HdrHistogram; the NIO load generator ")
                .append("shares the cores with the server. `weft-fibers-legacy-locking` is the same Weft server in a JVM ")
                .append("with `-XX:LockingMode=1`, where the JVM pins a fiber holding a monitor and Weft's per-suspension ")
                .append("held-monitor walk is off (see docs/internals.md). One run each: no error interval; compare rows of ")
                .append("the same workload. Heap per idle connection: heap after GC with N idle connections minus ")
                .append("without, over N (a platform thread's stack is native memory and not counted). Details and the ")
                .append("`wrk` cross-check: docs/io.md.\n\n");
        sb.append("| Server | Connections x round trips | Requests | Errors | Requests/s | vs virtual threads | p50 | p99 | p99.9 | Heap per idle connection |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Optional<Row> vt = virtualThreads(rows, r.workload());
            sb.append("| ").append(r.server())
                    .append(" | ").append(String.format(Locale.ROOT, "%,d x %,d", r.connections(), r.requestsPerConnection()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", r.requests()))
                    .append(" | ").append(r.errors())
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.rps()))
                    .append(" | ").append(vt.map(v -> String.format(Locale.ROOT, "%.2f×", r.rps() / v.rps())).orElse("–"))
                    .append(" | ").append(millis(r.p50Micros()))
                    .append(" | ").append(millis(r.p99Micros()))
                    .append(" | ").append(millis(r.p999Micros()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d B", r.bytesPerIdleConnection()))
                    .append(" |\n");
        }
        sb.append('\n');
    }

    /**
     * The network targets of the I/O issue, per Weft row of the HTTP workload: requests per second
     * at least the virtual threads' (the same run), and p99 below the thread pool's.
     */
    static List<ReportWriter.TargetCheck> targets(List<Row> rows) {
        List<ReportWriter.TargetCheck> checks = new ArrayList<>();
        String onPar = "Network: HTTP at 10,000 connections, Weft fibers at least on par with virtual threads (requests/s)";
        String tail = "Network: HTTP at 10,000 connections, Weft fibers far ahead of a pool of 200 threads (p99 at most half the pool's)";
        List<Row> weft = rows.stream().filter(r -> r.family().equals("weft") && r.workload().equals("http")).toList();
        if (weft.isEmpty()) {
            checks.add(new ReportWriter.TargetCheck(onPar, "–", "not measured in this run", null));
            return checks;
        }
        Optional<Row> vt = virtualThreads(rows, "http");
        Optional<Row> pool = rows.stream().filter(r -> r.family().equals("thread-pool") && r.workload().equals("http")).findFirst();
        for (Row w : weft) {
            boolean full = w.connections() >= 10_000;
            String size = full ? "" : String.format(Locale.ROOT, " (only %,d connections)", w.connections());
            checks.add(vt.map(v -> new ReportWriter.TargetCheck(onPar, w.contender(),
                            String.format(Locale.ROOT, "%,.0f vs %,.0f requests/s (%.2f×)%s", w.rps(), v.rps(), w.rps() / v.rps(), size),
                            full ? w.rps() >= v.rps() : null))
                    .orElse(new ReportWriter.TargetCheck(onPar, w.contender(), "no virtual-thread row", null)));
            checks.add(pool.map(p -> new ReportWriter.TargetCheck(tail, w.contender(),
                            String.format(Locale.ROOT, "p99 %s vs %s%s", millis(w.p99Micros()), millis(p.p99Micros()), size),
                            full ? w.p99Micros() * 2 <= p.p99Micros() : null))
                    .orElse(new ReportWriter.TargetCheck(tail, w.contender(), "no thread-pool row", null)));
        }
        return checks;
    }

    private static Optional<Row> virtualThreads(List<Row> rows, String workload) {
        return rows.stream().filter(r -> r.contender().equals("virtual-threads") && r.workload().equals(workload)).findFirst();
    }

    private static String millis(double micros) {
        return String.format(Locale.ROOT, "%,.1f ms", micros / 1000.0);
    }
}
