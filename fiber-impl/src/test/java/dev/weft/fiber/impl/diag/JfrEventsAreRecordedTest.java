package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weft's JFR events are recorded by a {@link Recording} and read back with
 * {@link RecordingFile}: start, end, run, park, pinned, a compensating carrier added and retired,
 * a carrier blocked, a submit refused.
 */
@Timeout(60)
class JfrEventsAreRecordedTest {

    @Test
    void everyKindOfEventIsRecordedAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weft.jfr");
        long parkedId;
        long pinnedId;
        String schedulerName;
        try (Recording r = new Recording()) {
            for (String e : List.of("FiberStart", "FiberEnd", "FiberRun", "FiberPark", "FiberPinned", "FiberSubmitFailed",
                    "CompensatingCarrierAdded", "CompensatingCarrierRetired", "CarrierBlocked")) {
                r.enable("dev.weft." + e).withThreshold(Duration.ZERO);
            }
            r.start();
            FiberScheduler s = Schedulers.workStealing(1);
            schedulerName = s.stats().name();
            try {
                FiberCountDownLatch latch = new FiberCountDownLatch(1);
                Fiber<?> parked = Fiber.builder().name("parked").scheduler(s).start(() -> {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                parkedId = parked.id();
                Await.state(parked, Fiber.State.PARKED);
                latch.countDown();
                parked.join(Await.HANG);

                Object monitor = new Object();
                Fiber<?> pinned = Fiber.builder().name("pinned").scheduler(s).start(() -> {
                    synchronized (monitor) {
                        Fiber.park(); // holds a monitor: blocks its carrier instead of unmounting
                    }
                });
                pinnedId = pinned.id();
                Await.state(pinned, Fiber.State.PINNED);
                pinned.unpark();
                pinned.join(Await.HANG);

                // A carrier blocked outside Weft: the watchdog adds a compensating carrier, which
                // retires once idle again.
                Fiber<?> blocker = Fiber.builder().name("blocking").scheduler(s).start(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Await.until("a compensating carrier", () -> s.stats().compensationsTotal() >= 1);
                blocker.join(Await.HANG);
                Await.until("the compensating carrier retired", () -> s.stats().compensating() == 0);
            } finally {
                s.shutdown();
                assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
                s.awaitTermination(Await.HANG);
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.weft.")).toList();
        Map<String, List<RecordedEvent>> byName = events.stream().collect(Collectors.groupingBy(e -> e.getEventType().getName()));
        assertTrue(byName.keySet().containsAll(Set.of("dev.weft.FiberStart", "dev.weft.FiberEnd", "dev.weft.FiberRun", "dev.weft.FiberPark",
                "dev.weft.FiberPinned", "dev.weft.FiberSubmitFailed", "dev.weft.CompensatingCarrierAdded",
                "dev.weft.CompensatingCarrierRetired", "dev.weft.CarrierBlocked")), "recorded: " + byName.keySet());
        assertTrue(byName.get("dev.weft.FiberPark").stream().anyMatch(e -> e.getLong("fiberId") == parkedId
                && e.getString("blocker") != null && e.getString("scheduler").equals(schedulerName)),
                "the park of the latch waiter: " + byName.get("dev.weft.FiberPark"));
        assertTrue(byName.get("dev.weft.FiberRun").stream().anyMatch(e -> e.getLong("fiberId") == parkedId
                && e.getThread().getJavaName().startsWith("weft-" + schedulerName + "-carrier-")),
                "a run of the latch waiter, on a carrier: " + byName.get("dev.weft.FiberRun"));
        RecordedEvent pin = byName.get("dev.weft.FiberPinned").stream().filter(e -> e.getLong("fiberId") == pinnedId)
                .findFirst().orElseThrow(() -> new AssertionError("no pinned event of the pinned fiber: " + byName.get("dev.weft.FiberPinned")));
        assertEquals("MONITOR", pin.getString("reason"));
        assertTrue(pin.getStackTrace() != null && pin.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().startsWith(JfrEventsAreRecordedTest.class.getName())),
                "the pinned event's stack is the fiber's: " + pin.getStackTrace());
        assertTrue(byName.get("dev.weft.FiberSubmitFailed").stream().allMatch(e -> e.getString("scheduler").equals(schedulerName)));
        assertTrue(byName.get("dev.weft.CompensatingCarrierAdded").stream().anyMatch(e -> e.getInt("blockedCarriers") >= 1));
    }
}
