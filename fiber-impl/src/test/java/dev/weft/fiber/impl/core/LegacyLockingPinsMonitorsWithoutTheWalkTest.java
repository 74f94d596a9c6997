package dev.weft.fiber.impl.core;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code -XX:LockingMode=1} (legacy locking, deprecated since JDK 24, present in JDK 25) the
 * JVM counts held monitors and refuses to unmount a continuation holding one, so Weft skips its
 * stack walk ({@link HeldMonitors#JVM_PINS_MONITORS}) and {@code synchronized} stays correct: the
 * suspensions inside it come back pinned from the JVM and block the carrier. With the default
 * lightweight locking the JVM does not, and the walk stays on.
 */
class LegacyLockingPinsMonitorsWithoutTheWalkTest {

    @Test
    void defaultLockingDoesNotPinSoTheWalkStaysOn() {
        assertFalse(HeldMonitors.JVM_PINS_MONITORS, "JDK 25's lightweight locking was expected to let a continuation yield holding a monitor");
        assertTrue(HeldMonitors.ENABLED || "false".equals(System.getProperty("weft.fiber.checkMonitors")));
    }

    @Test
    void legacyLockingPinsEverySuspensionInsideSynchronizedWithoutTheWalk() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-XX:LockingMode=1", "-Xmx256m"), LegacyChild.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("legacy locking: ok"), r.output());
    }

    /** Run in a child JVM with {@code -XX:LockingMode=1}. */
    public static final class LegacyChild {
        public static void main(String[] args) throws Exception {
            check(HeldMonitors.JVM_PINS_MONITORS, "the JVM should pin a continuation holding a monitor");
            check(!HeldMonitors.ENABLED, "the walk should be off when the JVM pins");
            try (FiberScheduler s = Schedulers.workStealing(2)) {
                Object lock = new Object();
                AtomicInteger inside = new AtomicInteger();
                AtomicInteger worst = new AtomicInteger();
                int[] count = {0};
                List<Fiber<Void>> fibers = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    fibers.add(Fiber.builder().scheduler(s).start(() -> {
                        for (int round = 0; round < 5; round++) {
                            synchronized (lock) {
                                worst.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                Fiber.sleep(Duration.ofMillis(1)); // a park inside the monitor: pinned by the JVM
                                Fiber.yield();                      // a yield inside it: carries on
                                count[0]++;
                                inside.decrementAndGet();
                            }
                            Fiber.yield(); // outside the monitor: unmounts as usual
                        }
                        return null;
                    }));
                }
                for (Fiber<Void> f : fibers) {
                    f.get();
                }
                check(worst.get() == 1, "two fibers were inside the monitor at once: " + worst.get());
                check(count[0] == 300, "lost updates under the monitor: " + count[0]);
                check(s.stats().pinnedParks() >= 300, "the sleeps inside the monitor were not pinned: " + s.stats());
            }
            System.out.println("legacy locking: ok");
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new AssertionError(message);
            }
        }
    }
}
