package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.StuckFiberDetector;
import dev.weft.fiber.impl.Await;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * In leak-tracking mode a fiber that became unreachable while parked (nothing can wake it) is
 * reported once, by name, when the garbage collector takes it; a fiber that stays reachable or
 * that terminated is never reported, and reachable ones still run, are dumped and are cancelled
 * by {@code shutdownNow}. With tracking off, the same fibers are held and dumped, never reported.
 *
 * <p>The pools choose their mode through the internal constructor, so both modes run in this
 * JVM; {@link LeakTrackingPropertyTest} checks that {@code -Dweft.diag.trackLeaks=true} turns it on
 * for every pool. The collector is asked with {@code System.gc()} in a bounded loop; nothing here
 * depends on how soon it acts.
 */
@Timeout(120)
class UnreachableParkedFiberIsReportedTest {
    private static final int DROPPED = 1_000;
    private static final int KEPT = 100;
    private static final int FINISHED = 100;
    /** A bound only a collector that never collects reaches. */
    private static final Duration GC_LIMIT = Duration.ofSeconds(60);

    @Test
    void everyDroppedParkedFiberIsReportedOnceAndNoReachableOrFinishedOne() throws Exception {
        WorkStealingScheduler s = new WorkStealingScheduler(2, true);
        AtomicInteger finallies = new AtomicInteger();
        try (LeakReports reports = new LeakReports()) {
            Channel<Integer> keptChannel = Channels.unbounded();
            List<Fiber<Integer>> kept = new ArrayList<>();
            for (int i = 0; i < KEPT; i++) {
                kept.add(Fiber.builder().name("kept-" + i).scheduler(s).start(() -> keptChannel.receive()));
            }
            startFinishedFibers(s);
            startDroppedFibers(s, "dropped-", DROPPED, finallies);
            for (Fiber<Integer> f : kept) {
                Await.state(f, Fiber.State.PARKED);
            }

            collectUntil(() -> "all " + DROPPED + " dropped fibers reported, got "
                            + reports.namesStartingWith("dropped-").size() + "; not reported: " + missing(reports, "dropped-", DROPPED),
                    () -> reports.namesStartingWith("dropped-").size() == DROPPED);
            for (int i = 0; i < 3; i++) {
                System.gc(); // more collections must not report any fiber twice
            }
            for (int i = 0; i < DROPPED; i++) {
                assertEquals(1, reports.count("dropped-" + i), "reports of dropped-" + i);
            }
            assertEquals(List.of(), reports.namesStartingWith("kept-"), "a reachable fiber was reported");
            assertEquals(List.of(), reports.namesStartingWith("finished-"), "a terminated fiber was reported");
            assertEquals(0, finallies.get(), "an unreachable fiber ran its finally block");
            String text = reports.texts().get(0);
            assertTrue(text.contains("became unreachable while parked (last parked on ")
                    && text.contains("never run again") && text.contains("finally blocks will not run"), text);

            // The reachable fibers are live, dumped, and still complete.
            // The unreachable fibers count as ended, the kept ones as live (a joined fiber is counted
            // a moment after its join returns, so the finished ones are waited for).
            Await.until("live fibers back to the " + KEPT + " kept ones, now " + s.fibersLive(), () -> s.fibersLive() == KEPT);
            assertEquals(KEPT, dumpedNames(s, "kept-").size(), "the kept fibers are in the dump");
            for (int i = 0; i < KEPT; i++) {
                keptChannel.send(i);
            }
            long sum = 0;
            for (Fiber<Integer> f : kept) {
                sum += f.get();
            }
            assertEquals((long) KEPT * (KEPT - 1) / 2, sum);
            // Nothing live is left, so a plain shutdown completes (the leaked fibers do not hold it up).
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "the pool did not terminate");
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void reachableFibersOfALeakTrackingPoolAreDumpedAndCancelledAtShutdownNow() throws Exception {
        WorkStealingScheduler s = new WorkStealingScheduler(2, true);
        FiberCountDownLatch never = new FiberCountDownLatch(1);
        AtomicInteger finallies = new AtomicInteger();
        List<Fiber<?>> fibers = new ArrayList<>();
        try (LeakReports reports = new LeakReports()) {
            for (int i = 0; i < KEPT; i++) {
                fibers.add(Fiber.builder().name("held-" + i).scheduler(s).start(() -> {
                    try {
                        never.await();
                    } finally {
                        finallies.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Fiber<?> f : fibers) {
                Await.state(f, Fiber.State.PARKED);
            }
            System.gc();
            assertEquals(KEPT, dumpedNames(s, "held-").size(), "the dump lists the reachable fibers");
            s.shutdownNow();
            assertTrue(s.awaitTermination(Await.HANG), "the pool did not terminate");
            assertEquals(KEPT, finallies.get(), "shutdownNow cancels weakly tracked fibers that are alive");
            assertEquals(List.of(), reports.namesStartingWith("held-"));
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void aLeakReportCarriesTheStackTheStuckFiberDetectorSaw() throws Exception {
        WorkStealingScheduler s = new WorkStealingScheduler(2, true);
        int n = 10;
        try (LeakReports reports = new LeakReports();
             StuckFiberDetector d = StuckFiberDetector.start(Duration.ofMillis(1), Duration.ofHours(1), r -> { })) {
            startDroppedFibers(s, "seen-", n, new AtomicInteger());
            Await.until("the detector sees all " + n + " fibers stuck",
                    () -> d.scan().stuck().stream().filter(i -> i.name().startsWith("seen-")).count() == n);
            collectUntil(() -> "all " + n + " seen fibers reported", () -> reports.namesStartingWith("seen-").size() == n);
            String text = reports.texts().stream().filter(t -> t.contains(",seen-")).findFirst().orElseThrow();
            System.out.println("A leak report:\n" + text);
            assertTrue(text.contains("Last seen by the stuck-fiber detector, parked for "), text);
            assertTrue(text.contains("receive on "), "the blocker and operation: " + text);
            assertTrue(text.contains("\tat ") && text.contains(".receive("), "the stack: " + text);
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void withTrackingOffTheSameFibersAreHeldAndDumpedAndNeverReported() throws Exception {
        WorkStealingScheduler s = new WorkStealingScheduler(2, false);
        AtomicInteger finallies = new AtomicInteger();
        int n = 200;
        try (LeakReports reports = new LeakReports()) {
            startDroppedFibers(s, "held-strongly-", n, finallies);
            for (int i = 0; i < 5; i++) {
                System.gc();
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertEquals(List.of(), reports.namesStartingWith("held-strongly-"), "reported with tracking off");
            assertEquals(n, dumpedNames(s, "held-strongly-").size(), "the registry holds them, the dump lists them");
            assertEquals(n, s.fibersLive());
            s.shutdownNow();
            assertTrue(s.awaitTermination(Await.HANG), "the pool did not terminate");
            assertEquals(n, finallies.get(), "shutdownNow cancels them and their finally blocks run");
        } finally {
            s.shutdownNow();
        }
    }

    /**
     * Starts {@code n} fibers named {@code prefix + i}, each parked in a receive on its own channel,
     * and returns once all are parked: then only the fibers reference their channels, and, the
     * frame of this method gone, nothing references the fibers but the pool's registry.
     */
    private static void startDroppedFibers(WorkStealingScheduler s, String prefix, int n, AtomicInteger finallies) {
        List<Fiber<Integer>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Channel<Integer> own = Channels.rendezvous();
            fibers.add(Fiber.builder().name(prefix + i).scheduler(s).start(() -> {
                try {
                    return own.receive();
                } finally {
                    finallies.incrementAndGet();
                }
            }));
        }
        for (Fiber<Integer> f : fibers) {
            Await.state(f, Fiber.State.PARKED);
        }
    }

    /** Fibers that park on their own channel, are woken, terminate, and are then dropped. */
    private static void startFinishedFibers(WorkStealingScheduler s) throws Exception {
        List<Fiber<Integer>> fibers = new ArrayList<>();
        List<Channel<Integer>> channels = new ArrayList<>();
        for (int i = 0; i < FINISHED; i++) {
            Channel<Integer> own = Channels.rendezvous();
            channels.add(own);
            fibers.add(Fiber.builder().name("finished-" + i).scheduler(s).start(() -> own.receive()));
        }
        for (int i = 0; i < FINISHED; i++) {
            Await.state(fibers.get(i), Fiber.State.PARKED);
            channels.get(i).send(i);
        }
        Await.joinedAll(fibers);
    }

    private static List<String> missing(LeakReports reports, String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n && out.size() < 20; i++) {
            if (reports.count(prefix + i) == 0) {
                out.add(prefix + i);
            }
        }
        return out;
    }

    private static List<String> dumpedNames(WorkStealingScheduler s, String prefix) {
        FiberDump.SchedulerSection section = FiberDumper.dump(s);
        return section.fibers().stream().map(FiberDump.FiberInfo::name).filter(n -> n.startsWith(prefix)).toList();
    }

    /** Asks for collections until {@code done}, failing after {@link #GC_LIMIT}. */
    private static void collectUntil(java.util.function.Supplier<String> what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + GC_LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + GC_LIMIT + " of collections: " + what.get());
            }
            System.gc();
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
