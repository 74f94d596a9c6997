package dev.weft.bench.io;

import java.util.concurrent.CountDownLatch;

/**
 * Runs one demo server at 127.0.0.1 until the JVM is stopped (Ctrl-C), e.g. for {@code wrk}:
 * {@code ServeMain weft|vt|vt-weft|pool PORT [http|echo]} (HTTP by default). The load-run
 * settings ({@link ServerConfig#defaults}): 16,000 connections at most, 30 s idle, 10 s per request head.
 */
public final class ServeMain {
    private ServeMain() {
    }

    /** Starts the server; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException("usage: ServeMain <weft|vt|vt-weft|pool> <port> [http|echo]");
        }
        ServerKind kind = ServerKind.parse(args[0]);
        int port = Integer.parseInt(args[1]);
        Workload workload = args.length == 3 ? Workload.parse(args[2]) : Workload.HTTP;
        DemoServer server = kind.start(workload, ServerConfig.defaults(port));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println(kind.label() + " " + workload.label() + " server listening on 127.0.0.1:" + server.port());
        stopped.await();
    }
}
