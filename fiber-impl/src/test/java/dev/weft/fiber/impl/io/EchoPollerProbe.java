package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measurement behind {@link Pollers#DEFAULT_POLLERS}: echo round trips per second over
 * loopback, for {@code connections} client fibers each doing 64-byte ping-pongs with an echo
 * server on the same {@code workStealing(carriers)} scheduler. Run once per poller count (the
 * count is fixed per JVM, {@code -Dweft.io.pollers}), back to back, under {@code /tmp/jmh.lock};
 * the command is in docs/internals.md ("How fiber I/O works"). Not a test: a main.
 *
 * <p>Arguments: connections, carriers, warm-up rounds, measured rounds (1 s each). Prints one
 * line: pollers, connections, mean round trips per second and the standard deviation across the
 * measured rounds.
 */
public final class EchoPollerProbe {
    private EchoPollerProbe() {
    }

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        int carriers = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        LongAdder trips = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        try (FiberScheduler s = Schedulers.workStealing(carriers)) {
            FiberServerSocketChannel server = IoTests.echoServer(s);
            List<Fiber<Void>> clients = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                clients.add(Fiber.builder().scheduler(s).start(() -> {
                    try (FiberSocketChannel ch = FiberSocketChannel.open(server.localAddress())) {
                        ByteBuffer out = ByteBuffer.allocateDirect(64);
                        ByteBuffer in = ByteBuffer.allocateDirect(64);
                        while (!stop.get()) {
                            out.clear();
                            ch.write(out);
                            in.clear();
                            while (in.hasRemaining()) {
                                if (ch.read(in) < 0) {
                                    throw new IllegalStateException("end of stream");
                                }
                            }
                            trips.increment();
                        }
                    }
                    return null;
                }));
            }
            double[] perSecond = new double[rounds];
            for (int r = 0; r < warmup + rounds; r++) {
                long before = trips.sum();
                long t0 = System.nanoTime();
                Thread.sleep(1000);
                double rate = (trips.sum() - before) * 1e9 / (System.nanoTime() - t0);
                if (r >= warmup) {
                    perSecond[r - warmup] = rate;
                }
            }
            stop.set(true);
            for (Fiber<Void> c : clients) {
                c.join();
            }
            server.close();
            double mean = 0;
            for (double v : perSecond) {
                mean += v / rounds;
            }
            double var = 0;
            for (double v : perSecond) {
                var += (v - mean) * (v - mean) / Math.max(1, rounds - 1);
            }
            System.out.printf("pollers=%d connections=%d carriers=%d round-trips/s=%.0f sd=%.0f%n",
                    Pollers.COUNT, connections, carriers, mean, Math.sqrt(var));
        }
    }
}
