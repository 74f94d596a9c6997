package dev.weft.bench.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JMH's JSON result format ({@code -rf json}) into {@link BenchResult}s, and writes
 * results in the same shape (for the memory probes, whose rows the report then treats like any
 * other). Only the fields the report uses are read; unknown fields are ignored.
 */
public final class JmhJson {
    /** The suffix of JMH's {@code -prof gc} secondary metric for bytes allocated per operation. */
    static final String ALLOC_NORM = "gc.alloc.rate.norm";

    private JmhJson() {
    }

    /**
     * Writes one JMH result file of {@code base}'s entries, in its order, each replaced by the
     * entry of the first of {@code preferred} that has the same row (benchmark and parameters),
     * followed by the rows of {@code preferred} that {@code base} lacks (a row whose light
     * measurement failed). The {@code standard} profile's passes: the target rows measured at
     * length, then every row briefly. A file that does not exist adds nothing.
     */
    public static void overlay(List<Path> preferred, Path base, Path into) throws IOException {
        Map<String, JsonElement> chosen = new LinkedHashMap<>();
        for (Path part : preferred) {
            for (JsonElement e : entries(part)) {
                chosen.putIfAbsent(rowKey(e.getAsJsonObject()), e);
            }
        }
        JsonArray all = new JsonArray();
        for (JsonElement e : entries(base)) {
            JsonElement better = chosen.remove(rowKey(e.getAsJsonObject()));
            all.add(better != null ? better : e);
        }
        chosen.values().forEach(all::add);
        Files.writeString(into, new GsonBuilder().setPrettyPrinting().create().toJson(all));
    }

    private static JsonArray entries(Path part) throws IOException {
        if (!Files.exists(part)) {
            return new JsonArray();
        }
        String text = Files.readString(part);
        return text.isBlank() ? new JsonArray() : JsonParser.parseString(text).getAsJsonArray();
    }

    /** A row's identity: its benchmark and its parameters, in name order. */
    private static String rowKey(JsonObject o) {
        return requiredString(o, "benchmark") + " " + params(o);
    }

    /** An entry's parameters, in name order (none if it has no {@code params}). */
    private static Map<String, String> params(JsonObject o) {
        Map<String, String> params = new TreeMap<>();
        if (o.has("params") && o.get("params").isJsonObject()) {
            for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                params.put(p.getKey(), p.getValue().getAsString());
            }
        }
        return params;
    }

    /**
     * How the rows of a JMH result file were measured, for the report's header: each setting
     * ({@code "4 forks × (2 × 1 s warm-up + 16 × 300 ms)"}) with the number of rows measured so,
     * most rows first; empty if the file does not exist or its entries do not say.
     */
    public static Map<String, Integer> settings(Path file) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (JsonElement e : entries(file)) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("forks") || !o.has("measurementIterations") || !o.has("measurementTime")) {
                continue;
            }
            int forks = o.get("forks").getAsInt();
            int warmups = o.has("warmupIterations") ? o.get("warmupIterations").getAsInt() : 0;
            String setting = forks + (forks == 1 ? " fork" : " forks") + " × ("
                    + (warmups > 0 && o.has("warmupTime") ? warmups + " × " + o.get("warmupTime").getAsString() + " warm-up + " : "")
                    + o.get("measurementIterations").getAsInt() + " × " + o.get("measurementTime").getAsString() + ")";
            counts.merge(setting, 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(c -> sorted.put(c.getKey(), c.getValue()));
        return sorted;
    }

    /** Reads a JMH JSON result file. */
    public static List<BenchResult> read(Path file) throws IOException {
        try {
            return parse(Files.readString(file));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("cannot read JMH results from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses JMH JSON text: an array of benchmark entries.
     *
     * @throws IllegalArgumentException if the text is not such an array or an entry lacks
     *         {@code benchmark}, {@code mode} or {@code primaryMetric}
     */
    public static List<BenchResult> parse(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException("JMH results must be a JSON array of benchmark entries");
        }
        List<BenchResult> results = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray()) {
            results.add(entry(e.getAsJsonObject()));
        }
        return results;
    }

    private static BenchResult entry(JsonObject o) {
        String benchmark = requiredString(o, "benchmark");
        String mode = requiredString(o, "mode");
        Map<String, String> params = params(o);
        if (!o.has("primaryMetric") || !o.get("primaryMetric").isJsonObject()) {
            throw new IllegalArgumentException("entry for " + benchmark + " has no primaryMetric");
        }
        JsonObject primary = o.getAsJsonObject("primaryMetric");
        double alloc = Double.NaN;
        double allocError = Double.NaN;
        Map<String, BenchResult.Metric> extra = new TreeMap<>();
        if (o.has("secondaryMetrics") && o.get("secondaryMetrics").isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : o.getAsJsonObject("secondaryMetrics").entrySet()) {
                JsonObject metric = m.getValue().getAsJsonObject();
                String name = m.getKey();
                if (name.endsWith(ALLOC_NORM)) {
                    alloc = number(metric.get("score"));
                    allocError = number(metric.get("scoreError"));
                } else if (!isProfilerMetric(name)) {
                    extra.put(name, new BenchResult.Metric(meanPerIteration(metric),
                            metric.has("scoreUnit") ? metric.get("scoreUnit").getAsString() : ""));
                }
            }
        }
        return new BenchResult(benchmark, mode, params, number(primary.get("score")),
                number(primary.get("scoreError")), requiredString(primary, "scoreUnit"), alloc, allocError, extra);
    }

    /**
     * A benchmark's own secondary metric, per measured iteration: the mean of its raw values where
     * the JSON has them, else its score. JMH's score for an {@code @AuxCounters(EVENTS)} counter is
     * the <em>sum</em> over the measured iterations, right for a count of events but three times
     * too large for a level such as {@code GeneratorMemoryBench}'s bytes per generator measured in
     * each of three iterations.
     */
    private static double meanPerIteration(JsonObject metric) {
        if (metric.has("rawData") && metric.get("rawData").isJsonArray()) {
            double sum = 0;
            int n = 0;
            for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                if (fork.isJsonArray()) {
                    for (JsonElement v : fork.getAsJsonArray()) {
                        sum += number(v);
                        n++;
                    }
                }
            }
            if (n > 0) {
                return sum / n;
            }
        }
        return number(metric.get("score"));
    }

    /** The {@code -prof gc} metrics ({@code gc.*}, older JMH versions prefix them with a middle dot). */
    private static boolean isProfilerMetric(String name) {
        return name.startsWith("gc.") || name.startsWith("\u00b7gc.");
    }

    private static String requiredString(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("benchmark entry lacks the field '" + field + "'");
        }
        return e.getAsString();
    }

    /** JMH writes NaN and infinities as strings ("NaN"); a missing value is NaN. */
    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isNumber()) {
            return p.getAsDouble();
        }
        return switch (p.getAsString()) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(p.getAsString());
        };
    }

    /**
     * Writes results as a JMH-shaped JSON array ({@code benchmark}, {@code mode}, {@code params},
     * {@code primaryMetric}, and the {@code -prof gc} metric where measured).
     */
    public static void write(Path file, List<BenchResult> results) throws IOException {
        JsonArray array = new JsonArray();
        for (BenchResult r : results) {
            JsonObject o = new JsonObject();
            o.addProperty("benchmark", r.benchmark());
            o.addProperty("mode", r.mode());
            o.addProperty("jdkVersion", System.getProperty("java.version"));
            o.addProperty("vmName", System.getProperty("java.vm.name"));
            JsonObject params = new JsonObject();
            new TreeMap<>(r.params()).forEach(params::addProperty);
            o.add("params", params);
            JsonObject primary = new JsonObject();
            primary.add("score", jsonNumber(r.score()));
            primary.add("scoreError", jsonNumber(r.scoreError()));
            primary.addProperty("scoreUnit", r.unit());
            o.add("primaryMetric", primary);
            JsonObject secondary = new JsonObject();
            if (!Double.isNaN(r.allocBytesPerOp())) {
                JsonObject alloc = new JsonObject();
                alloc.add("score", jsonNumber(r.allocBytesPerOp()));
                alloc.add("scoreError", jsonNumber(r.allocError()));
                alloc.addProperty("scoreUnit", "B/op");
                secondary.add(ALLOC_NORM, alloc);
            }
            new TreeMap<>(r.extraMetrics()).forEach((name, m) -> {
                JsonObject metric = new JsonObject();
                metric.add("score", jsonNumber(m.score()));
                metric.addProperty("scoreUnit", m.unit());
                secondary.add(name, metric);
            });
            o.add("secondaryMetrics", secondary);
            array.add(o);
        }
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, gson.toJson(array) + "\n");
    }

    private static JsonPrimitive jsonNumber(double d) {
        return Double.isFinite(d) ? new JsonPrimitive(d) : new JsonPrimitive(Double.toString(d));
    }
}
