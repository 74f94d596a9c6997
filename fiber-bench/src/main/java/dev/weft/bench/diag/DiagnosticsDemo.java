package dev.weft.bench.diag;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.StuckFiberDetector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The example behind {@code docs/debugging.md}: a small order pipeline on a work-stealing
 * scheduler with two carriers, plus the waits a real service has, then a grouped fiber dump on
 * standard output, the same dump as JSON in a file, and a stuck-fiber report. Run it under
 * {@code -XX:StartFlightRecording} to get Weft's JFR events (the command is in the doc).
 *
 * <p>The workload: a producer sends orders on a buffered channel; four workers receive them,
 * "process" each (a 5 ms sleep) and send the result on a rendezvous channel; a slow collector
 * takes a result every 20 ms, so the workers wait in {@code send}. Beside them, 1,000 sessions
 * wait on a latch that nobody counts down (what the stuck-fiber detector is for), 200 timers
 * sleep for an hour, one fiber parks while holding a monitor (pinned) and one calls
 * {@code Thread.sleep} (a carrier blocked outside Weft, which the scheduler compensates).
 *
 * <p>Arguments: the JSON file to write (default {@code target/fiber-dump.json}) and the seconds
 * to run before the dump (default 2).
 */
public final class DiagnosticsDemo {
    private DiagnosticsDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path json = Path.of(args.length > 0 ? args[0] : "target/fiber-dump.json");
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 2;
        FiberScheduler s = Schedulers.workStealing(2);
        StuckFiberDetector detector = StuckFiberDetector.start(Duration.ofSeconds(1), Duration.ofHours(1), r -> { });
        detector.scan();
        Channel<Integer> orders = Channels.buffered(16);
        Channel<String> results = Channels.rendezvous();
        FiberCountDownLatch neverOpened = new FiberCountDownLatch(1);
        List<Fiber<?>> fibers = new ArrayList<>();
        fibers.add(Fiber.builder().name("producer").scheduler(s).start(() -> produce(orders)));
        for (int i = 0; i < 4; i++) {
            fibers.add(Fiber.builder().name("worker-" + i).scheduler(s).start(() -> work(orders, results)));
        }
        fibers.add(Fiber.builder().name("collector").scheduler(s).start(() -> collect(results)));
        for (int i = 0; i < 1_000; i++) {
            fibers.add(Fiber.builder().name("session-" + i).scheduler(s).start(() -> awaitLogin(neverOpened)));
        }
        for (int i = 0; i < 200; i++) {
            fibers.add(Fiber.builder().name("timer-" + i).scheduler(s).start(DiagnosticsDemo::sleepLong));
        }
        Object monitor = new Object();
        fibers.add(Fiber.builder().name("pinned-cache").scheduler(s).start(() -> refreshUnderMonitor(monitor)));
        fibers.add(Fiber.builder().name("legacy-client").scheduler(s).start(DiagnosticsDemo::blockingCalls));

        Thread.sleep(Duration.ofSeconds(seconds));
        FiberDump dump = FiberDump.take();
        System.out.print(dump.toText());
        dump.writeTo(json, FiberDump.Format.JSON);
        StuckFiberDetector.Report report = detector.scan();
        System.out.println();
        System.out.println("stuck-fiber detector (threshold 1 s): " + report.stuck().size() + " fibers, for example "
                + (report.stuck().isEmpty() ? "none" : report.stuck().get(0)));
        System.out.println("JSON dump written to " + json.toAbsolutePath());
        detector.close();
        s.shutdownNow();
        s.awaitTermination(Duration.ofSeconds(30));
    }

    private static void produce(Channel<Integer> orders) {
        try {
            for (int i = 0; ; i++) {
                orders.send(i);
            }
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }

    private static void work(Channel<Integer> orders, Channel<String> results) {
        try {
            while (true) {
                int order = orders.receive();
                Fiber.sleep(Duration.ofMillis(5));
                results.send("order " + order + " done");
            }
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }

    private static void collect(Channel<String> results) {
        try {
            while (true) {
                results.receive();
                Fiber.sleep(Duration.ofMillis(20));
            }
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }

    private static void awaitLogin(FiberCountDownLatch latch) {
        try {
            latch.await();
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }

    private static void sleepLong() {
        try {
            Fiber.sleep(Duration.ofHours(1));
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }

    /** Parks while holding a monitor: Weft blocks the carrier rather than let the monitor migrate. */
    private static void refreshUnderMonitor(Object monitor) {
        try {
            while (true) {
                synchronized (monitor) {
                    Fiber.parkNanos(Duration.ofMillis(30).toNanos());
                }
                Fiber.sleep(Duration.ofMillis(100));
            }
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }

    /** A call Weft does not own: it blocks the carrier thread, and the scheduler compensates. */
    private static void blockingCalls() {
        try {
            while (true) {
                Thread.sleep(40);
                Fiber.sleep(Duration.ofMillis(200));
            }
        } catch (Exception e) {
            // cancelled at shutdown
        }
    }
}
