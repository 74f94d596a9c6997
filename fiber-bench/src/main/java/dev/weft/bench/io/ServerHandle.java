package dev.weft.bench.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A demo server as the {@link LoadSuite} drives it: its port, its connection counts and the heap it
 * retains, either in this JVM ({@link #inProcess}) or in a JVM of its own ({@link #forked}).
 *
 * <p>The suite forks: client and server sockets then live in different processes, so 10,000
 * connections need 10,000 descriptors on each side, under this machine's limit of 20,000 open
 * files per process ({@code ulimit -n}), which one process holding both ends would pass; and
 * the heap measured is the server's alone.
 */
interface ServerHandle extends AutoCloseable {

    int port();

    ServerStats stats() throws IOException;

    /** The most handlers that run at once (the pool's size, or no bound). */
    int maxRunning();

    /** The server JVM's heap in use after full collections have settled. */
    long heapAfterGc() throws IOException;

    @Override
    void close();

    static ServerHandle inProcess(ServerKind kind, Workload workload, ServerConfig config) {
        DemoServer server = kind.start(workload, config);
        return new ServerHandle() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public ServerStats stats() {
                return server.stats();
            }

            @Override
            public int maxRunning() {
                return server.maxRunning();
            }

            @Override
            public long heapAfterGc() {
                return usedHeapAfterGc();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /**
     * Starts {@link ServerProcess} in a new JVM (this JVM's {@code java}, class path and the flags
     * Weft needs, {@code -Xmx2g}) and talks to it over its standard input and output.
     */
    static ServerHandle forked(ServerKind kind, Workload workload, ServerConfig config) throws IOException {
        return forked(kind, workload, config, List.of());
    }

    /** As {@link #forked(ServerKind, Workload, ServerConfig)}, with {@code jvmArgs} added to the server's JVM. */
    static ServerHandle forked(ServerKind kind, Workload workload, ServerConfig config, List<String> jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
        command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-Xmx2g");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServerProcess.class.getName());
        command.add(kind.cliName());
        command.add(workload.label());
        command.add(Integer.toString(config.connectionLimit()));
        command.add(Long.toString(config.idleTimeout().toMillis()));
        command.add(Long.toString(config.headTimeout().toMillis()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        String[] hello = reply(process, in, "READY");
        int port = Integer.parseInt(hello[1]);
        int maxRunning = Integer.parseInt(hello[2]);
        return new ServerHandle() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public ServerStats stats() throws IOException {
                out.println("STATS");
                String[] r = reply(process, in, "STATS");
                return new ServerStats(Integer.parseInt(r[1]), Integer.parseInt(r[2]), Long.parseLong(r[3]), Long.parseLong(r[4]));
            }

            @Override
            public int maxRunning() {
                return maxRunning;
            }

            @Override
            public long heapAfterGc() throws IOException {
                out.println("HEAP");
                return Long.parseLong(reply(process, in, "HEAP")[1]);
            }

            @Override
            public void close() {
                out.println("QUIT");
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static String[] reply(Process process, BufferedReader in, String tag) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(tag + " ")) {
            process.destroyForcibly();
            throw new IOException("server process (" + process.info().commandLine().orElse("?") + ") answered '" + line
                    + "', expected " + tag);
        }
        return line.split(" ");
    }

    /** Heap in use after full collections have settled (two in a row that free nothing more). */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(Duration.ofMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted while measuring the heap"));
            }
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= previous) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
