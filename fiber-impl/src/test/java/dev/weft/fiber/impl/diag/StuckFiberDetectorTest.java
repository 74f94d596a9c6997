package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.StuckFiberDetector;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stuck-fiber detector reports fibers parked past its threshold, with their stacks, whether
 * they parked before or after it started, and never a sleeping fiber whose deadline is ahead.
 */
@Timeout(60)
class StuckFiberDetectorTest {
    private static final Duration THRESHOLD = Duration.ofMillis(200);

    @Test
    void reportsFibersParkedPastTheThresholdAndNotSleepers() throws Exception {
        FiberScheduler s = Schedulers.workStealing(2);
        FiberCountDownLatch never = new FiberCountDownLatch(1);
        try {
            Fiber<?> stuckBefore = waiter(s, "stuck-before", never);
            Fiber<?> sleeperBefore = sleeper(s, "sleeper-before");
            Await.state(stuckBefore, Fiber.State.PARKED);
            Await.state(sleeperBefore, Fiber.State.PARKED);
            try (StuckFiberDetector d = StuckFiberDetector.start(THRESHOLD, Duration.ofHours(1), r -> { })) {
                Fiber<?> stuckAfter = waiter(s, "stuck-after", never);
                Fiber<?> sleeperAfter = sleeper(s, "sleeper-after");
                Await.state(stuckAfter, Fiber.State.PARKED);
                Await.state(sleeperAfter, Fiber.State.PARKED);
                d.scan(); // the first look: fibers parked before the detector started are timed from here
                Thread.sleep(THRESHOLD.toMillis() * 2); // past the threshold, with room to spare
                StuckFiberDetector.Report r = d.scan();
                Set<String> stuck = names(r);
                assertTrue(stuck.containsAll(Set.of("stuck-before", "stuck-after")), "reported: " + r.toText());
                assertFalse(stuck.contains("sleeper-before") || stuck.contains("sleeper-after"),
                        "a sleeper whose deadline is ahead is not stuck: " + r.toText());
                FiberDump.FiberInfo info = r.stuck().stream().filter(i -> i.name().equals("stuck-after")).findFirst().orElseThrow();
                assertTrue(info.timeInState().compareTo(THRESHOLD) >= 0, "time parked " + info.timeInState());
                assertTrue(info.stack().stream().anyMatch(e -> e.getMethodName().equals("await")), "stack " + info.stack());
                assertTrue(r.toText().contains("stuck-after"), r.toText());
                d.close();
                assertThrows(IllegalStateException.class, d::scan);
            }
        } finally {
            never.countDown();
            s.shutdownNow();
            s.awaitTermination(Await.HANG);
        }
    }

    @Test
    void theListenerHearsOfAStuckFiberOnTheDetectorsThread() throws Exception {
        FiberScheduler s = Schedulers.fifo(1);
        FiberCountDownLatch never = new FiberCountDownLatch(1);
        List<StuckFiberDetector.Report> reports = new CopyOnWriteArrayList<>();
        try (StuckFiberDetector d = StuckFiberDetector.start(Duration.ofMillis(50), Duration.ofMillis(20), reports::add)) {
            Fiber<?> f = waiter(s, "listened", never);
            Await.until("a report of the stuck fiber", () -> reports.stream().anyMatch(r -> names(r).contains("listened")));
            assertTrue(d.toString().contains("running"), d.toString());
        } finally {
            never.countDown();
            s.shutdownNow();
            s.awaitTermination(Await.HANG);
        }
        assertThrows(IllegalArgumentException.class, () -> StuckFiberDetector.start(Duration.ofSeconds(1), Duration.ZERO, r -> { }));
        assertThrows(IllegalArgumentException.class, () -> StuckFiberDetector.start(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> StuckFiberDetector.start(null));
    }

    private static Set<String> names(StuckFiberDetector.Report r) {
        return r.stuck().stream().map(FiberDump.FiberInfo::name).collect(Collectors.toSet());
    }

    private static Fiber<?> waiter(FiberScheduler s, String name, FiberCountDownLatch latch) {
        return Fiber.builder().name(name).scheduler(s).start(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Fiber<?> sleeper(FiberScheduler s, String name) {
        return Fiber.builder().name(name).scheduler(s).start(() -> {
            try {
                Fiber.sleep(Duration.ofHours(1));
            } catch (InterruptedException ignored) {
                // cancelled at the end
            }
        });
    }
}
