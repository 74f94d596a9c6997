package dev.weft.bench.io;

import dev.weft.bench.report.IoLoad;
import dev.weft.bench.report.IoLoad.Row;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The I/O load runs: each server kind (Weft fibers, virtual threads, a pool of 200 threads) with
 * each workload (echo, HTTP), under {@link LoadGenerator}, one JSON object per run.
 *
 * <p>Each run forks the server into a JVM of its own ({@link ServerHandle#forked}), then:
 * <ol>
 *   <li>warms it up with a smaller load (closed afterwards);</li>
 *   <li>measures the server's heap after GC with no connection, opens all N connections and waits
 *       until the server runs a handler for each (for the pool: for 200, the rest queued), measures
 *       again: {@code bytesPerIdleConnection} is the difference over N, heap only (a platform
 *       thread's stack is native memory and not in it; a fiber's or virtual thread's is);</li>
 *   <li>starts every connection's round trips at once and closes each after its last.</li>
 * </ol>
 *
 * <p>Profiles (connections x round trips per connection, warm-up): {@code smoke} 200 x 5 (seconds
 * in all), {@code quick} 10,000 x 5 (about a minute), {@code standard} 10,000 x 20 (a few minutes).
 *
 * <p>Command line: {@code LoadSuite [--profile smoke|quick|standard] [--out FILE]
 * [--servers weft,weft-legacy,vt,vt-weft,pool] [--workloads echo,http] [--connections N] [--requests R]};
 * {@code weft-legacy} is the Weft server in a JVM with {@code -XX:LockingMode=1}; {@code vt-weft}
 * (virtual threads on a Weft scheduler) is not in the default set.
 */
public final class LoadSuite {
    /**
     * The rows of the benchmark report, in order. Weft fibers run twice: with the JVM's default
     * (lightweight) locking, where every suspension walks the fiber's stack for held monitors
     * (docs/internals.md, "How a fiber keeps synchronized correct"), and with
     * {@code -XX:LockingMode=1}, where the JVM itself pins a fiber that holds one and no walk is made.
     */
    static final List<Contender> DEFAULT_CONTENDERS = List.of(Contender.of(ServerKind.WEFT), Contender.WEFT_LEGACY_LOCKING,
            Contender.of(ServerKind.VIRTUAL_THREADS), Contender.of(ServerKind.THREAD_POOL));
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);

    private LoadSuite() {
    }

    /**
     * A server kind as run in the suite: its label in the JSON and the extra flags of its JVM.
     *
     * @param kind     the server
     * @param label    the JSON's server name, before the workload
     * @param jvmArgs  flags added to the server's JVM
     */
    record Contender(ServerKind kind, String label, List<String> jvmArgs) {
        /** Weft fibers in a JVM with legacy locking, in which the JVM pins a fiber that holds a monitor. */
        static final Contender WEFT_LEGACY_LOCKING =
                new Contender(ServerKind.WEFT, "weft-fibers-legacy-locking", List.of("-XX:LockingMode=1"));

        static Contender of(ServerKind kind) {
            return new Contender(kind, kind.label(), List.of());
        }

        /** A command-line name: {@code weft-legacy}, or a {@link ServerKind} name. */
        static Contender parse(String s) {
            return s.equals("weft-legacy") || s.equals(WEFT_LEGACY_LOCKING.label) ? WEFT_LEGACY_LOCKING : of(ServerKind.parse(s));
        }
    }

    /** One profile's sizes. */
    record Profile(String name, int connections, int requestsPerConnection, int warmUpConnections, Duration runTimeout) {
        static Profile named(String name) {
            return switch (name) {
                case "smoke" -> new Profile(name, 200, 5, 100, Duration.ofSeconds(30));
                case "quick" -> new Profile(name, 10_000, 5, 2_000, Duration.ofSeconds(60));
                case "standard" -> new Profile(name, 10_000, 20, 5_000, Duration.ofSeconds(180));
                default -> throw new IllegalArgumentException("unknown profile '" + name + "', expected smoke, quick or standard");
            };
        }

        Profile with(int connections, int requests) {
            return new Profile(name, connections, requests, Math.min(warmUpConnections, connections), runTimeout);
        }
    }

    /**
     * Runs the six server/workload combinations of {@code profile} and writes them to {@code jsonOut}
     * as a JSON array (parent directories created).
     *
     * @param jsonOut where the JSON goes
     * @param profile smoke, quick or standard
     */
    public static void run(Path jsonOut, String profile) {
        Profile p = Profile.named(profile);
        IoLoad.write(jsonOut, runAll(p, DEFAULT_CONTENDERS, List.of(Workload.ECHO, Workload.HTTP)));
    }

    /** Runs the suite from the command line; see the class comment. */
    public static void main(String[] args) {
        String profile = "quick";
        Path out = null;
        List<Contender> kinds = DEFAULT_CONTENDERS;
        List<Workload> workloads = List.of(Workload.ECHO, Workload.HTTP);
        Integer connections = null;
        Integer requests = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--profile" -> profile = value;
                case "--out" -> out = Path.of(value);
                case "--servers" -> kinds = java.util.Arrays.stream(value.split(",")).map(Contender::parse).toList();
                case "--workloads" -> workloads = java.util.Arrays.stream(value.split(",")).map(Workload::parse).toList();
                case "--connections" -> connections = Integer.parseInt(value);
                case "--requests" -> requests = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: LoadSuite [--profile smoke|quick|standard] [--out FILE] [--servers weft,weft-legacy,vt,vt-weft,pool] "
                        + "[--workloads echo,http] [--connections N] [--requests R]");
            }
            i++;
        }
        Profile p = Profile.named(profile);
        if (connections != null || requests != null) {
            p = p.with(connections != null ? connections : p.connections(), requests != null ? requests : p.requestsPerConnection());
        }
        List<Row> rows = runAll(p, kinds, workloads);
        if (out != null) {
            IoLoad.write(out, rows);
        }
        System.exit(0);
    }

    static List<Row> runAll(Profile profile, List<Contender> contenders, List<Workload> workloads) {
        List<Row> rows = new ArrayList<>();
        for (Workload workload : workloads) {
            for (Contender contender : contenders) {
                Row row = runOne(contender, workload, profile, true);
                System.out.println("io load: " + row.json());
                rows.add(row);
            }
        }
        return rows;
    }

    /** One run; {@code fork} false keeps the server in this JVM (tests with few connections). */
    static Row runOne(Contender contender, Workload workload, Profile profile, boolean fork) {
        if (!fork && !contender.jvmArgs().isEmpty()) {
            throw new IllegalArgumentException(contender.label() + " needs a JVM of its own (" + contender.jvmArgs() + ")");
        }
        ServerKind kind = contender.kind();
        ServerConfig config = ServerConfig.defaults(0);
        int n = profile.connections();
        int r = profile.requestsPerConnection();
        try (ServerHandle server = fork ? ServerHandle.forked(kind, workload, config, contender.jvmArgs())
                : ServerHandle.inProcess(kind, workload, config)) {
            LoadGenerator generator = new LoadGenerator(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
                    workload, generatorThreads());
            generator.run(generator.open(profile.warmUpConnections()), r, profile.runTimeout());
            awaitStats(server, 0, 0);
            long before = server.heapAfterGc();
            LoadGenerator.Connections connections = generator.open(n);
            int connected = connections.open();
            awaitStats(server, connected, Math.min(connected, server.maxRunning()));
            long idle = server.heapAfterGc();
            LoadGenerator.Result result = generator.run(connections, r, profile.runTimeout());
            long perConnection = connected == 0 ? 0 : Math.round((idle - before) / (double) connected);
            return new Row(contender.label() + " " + workload.label(), kind.family(), workload.label(), n, r, result.requests(),
                    result.errors(), result.seconds(), result.rps(), result.percentileMicros(50), result.percentileMicros(99),
                    result.percentileMicros(99.9), perConnection);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("io load run " + contender.label() + " " + workload.label() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during an io load run", e);
        }
    }

    /**
     * Waits (boundedly) until the server has {@code open} connections and {@code running} handlers:
     * the idle connections' handlers are then all started and parked in their first read.
     */
    private static void awaitStats(ServerHandle server, int open, int running) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_WAIT.toNanos();
        ServerStats s = server.stats();
        while ((s.open() != open || s.running() != running) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = server.stats();
        }
        if (s.open() != open || s.running() != running) {
            System.err.println("io load: server did not settle at " + open + " open / " + running + " running: " + s);
        }
    }

    /** Selector threads of the generator: one per core, at most 4 (this machine: 2). */
    static int generatorThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
