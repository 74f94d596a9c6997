package dev.weft.bench.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server side of a forked load run ({@link ServerHandle#forked}): starts one demo server at
 * 127.0.0.1 on a free port, prints {@code READY <port> <maxRunning>}, then answers commands read
 * from standard input, one a line: {@code STATS} ({@code STATS <open> <running> <accepted> <refused>}),
 * {@code HEAP} ({@code HEAP <bytes>}, the heap after full GCs), {@code QUIT} (closes the server and
 * exits). End of input counts as {@code QUIT}, so the server never outlives its driver.
 *
 * <p>Usage: {@code ServerProcess <weft|vt|vt-weft|pool> <echo|http> <connectionLimit> <idleMillis> <headMillis>}.
 */
public final class ServerProcess {
    private ServerProcess() {
    }

    /** Runs the server; see the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: ServerProcess <weft|vt|vt-weft|pool> <echo|http> <connectionLimit> <idleMillis> <headMillis>");
        }
        ServerKind kind = ServerKind.parse(args[0]);
        Workload workload = Workload.parse(args[1]);
        ServerConfig config = ServerConfig.defaults(0).withConnectionLimit(Integer.parseInt(args[2]))
                .withTimeouts(Duration.ofMillis(Long.parseLong(args[3])), Duration.ofMillis(Long.parseLong(args[4])));
        DemoServer server = kind.start(workload, config);
        System.out.println("READY " + server.port() + " " + server.maxRunning());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.equals("QUIT")) {
            switch (line) {
                case "STATS" -> {
                    ServerStats s = server.stats();
                    System.out.println("STATS " + s.open() + " " + s.running() + " " + s.accepted() + " " + s.refused());
                }
                case "HEAP" -> System.out.println("HEAP " + ServerHandle.usedHeapAfterGc());
                default -> System.out.println("ERROR unknown command " + line);
            }
        }
        server.close();
        System.exit(0);
    }
}
