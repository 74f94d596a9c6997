package dev.weft.bench.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's files: where a run's data lives under a docs directory, and writing
 * {@code benchmarks.md} and its plots from that data.
 *
 * <p>Layout under {@code docs}: {@code bench-data/<profile>.json} (JMH),
 * {@code bench-data/<profile>-memory.json} (memory probes, JMH-shaped),
 * {@code bench-data/<profile>-run.json} ({@link RunInfo}), {@code plots/*.png},
 * {@code benchmarks.md}.
 */
public final class Report {
    private final Path docs;
    private final String profile;

    /** The report of {@code profile} under {@code docs}. */
    public Report(Path docs, String profile) {
        this.docs = docs;
        this.profile = profile;
    }

    /** JMH's JSON results. */
    public Path jmhJson() {
        return docs.resolve("bench-data").resolve(profile + ".json");
    }

    /** The memory probes' results. */
    public Path memoryJson() {
        return docs.resolve("bench-data").resolve(profile + "-memory.json");
    }

    /** The network-load rows ({@code dev.weft.bench.io.LoadSuite}). */
    public Path ioJson() {
        return docs.resolve("bench-data").resolve(profile + "-io.json");
    }

    /** The run description. */
    public Path runJson() {
        return docs.resolve("bench-data").resolve(profile + "-run.json");
    }

    /** The Markdown report. */
    public Path markdown() {
        return docs.resolve("benchmarks.md");
    }

    /** The plot directory. */
    public Path plotDir() {
        return docs.resolve("plots");
    }

    /**
     * Reads the run's data (any of the two result files may be missing, the run description may
     * not), redraws the plots (removing old ones) and writes the Markdown report.
     */
    public void write() throws IOException {
        RunInfo info = RunInfo.read(runJson());
        List<BenchResult> results = new ArrayList<>();
        List<String> dataLinks = new ArrayList<>();
        for (Path p : List.of(jmhJson(), memoryJson(), ioJson(), runJson())) {
            if (Files.exists(p)) {
                if (!p.equals(runJson()) && !p.equals(ioJson())) {
                    results.addAll(JmhJson.read(p));
                }
                dataLinks.add(docs.relativize(p).toString());
            }
        }
        if (Files.isDirectory(plotDir())) {
            try (DirectoryStream<Path> old = Files.newDirectoryStream(plotDir(), "*.png")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
        }
        Map<String, String> plotLinks = new LinkedHashMap<>();
        if (!results.isEmpty()) {
            Plots.write(results, plotDir()).forEach((cls, file) -> plotLinks.put(cls, docs.relativize(file).toString()));
        }
        Files.writeString(markdown(), ReportWriter.render(info, results, IoLoad.read(ioJson()), dataLinks, plotLinks,
                JmhJson.settings(jmhJson())));
    }
}
