package dev.weft.fiber.impl.sched;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watchdog's back-off policy: short while there is something to watch, doubling to the longest while looks are calm. */
class WatchdogBackoffTest {
    private static final long MS = 1_000_000L;

    @Test
    void calmLooksDoubleTheIntervalUpToTheLongest() {
        WatchdogBackoff b = new WatchdogBackoff(MS, 3 * MS);
        assertEquals(MS, b.intervalNanos());
        for (int i = 1; i < WatchdogBackoff.CALM_LOOKS_PER_DOUBLING; i++) {
            b.afterLook(false);
            assertEquals(MS, b.intervalNanos(), "after " + i + " calm looks");
        }
        b.afterLook(false);
        assertEquals(2 * MS, b.intervalNanos());
        for (int i = 0; i < 10 * WatchdogBackoff.CALM_LOOKS_PER_DOUBLING; i++) {
            b.afterLook(false);
            assertTrue(b.intervalNanos() <= 3 * MS, b.toString());
        }
        assertEquals(3 * MS, b.intervalNanos(), "capped at the longest, not 4 ms");
    }

    @Test
    void aWatchfulLookGoesBackToTheShortestAndRestartsTheCount() {
        WatchdogBackoff b = new WatchdogBackoff(MS, 8 * MS);
        for (int i = 0; i < 3 * WatchdogBackoff.CALM_LOOKS_PER_DOUBLING; i++) {
            b.afterLook(false);
        }
        assertEquals(8 * MS, b.intervalNanos());
        b.afterLook(true);
        assertEquals(MS, b.intervalNanos());
        for (int i = 1; i < WatchdogBackoff.CALM_LOOKS_PER_DOUBLING; i++) {
            b.afterLook(false);
        }
        assertEquals(MS, b.intervalNanos(), "the calm count started again at the watchful look");
        b.afterLook(false);
        assertEquals(2 * MS, b.intervalNanos());
        b.reset();
        assertEquals(MS, b.intervalNanos());
    }

    @Test
    void theWorstCaseDetectionIsTwoLongestIntervalsAndTheRemainingShortLooks() {
        WatchdogBackoff b = new WatchdogBackoff(MS, 3 * MS);
        assertEquals(7 * MS, b.worstCaseDetectionNanos(Watchdog.STUCK_TICKS));
        assertEquals(3 * MS, new WatchdogBackoff(MS, MS).worstCaseDetectionNanos(Watchdog.STUCK_TICKS),
                "without back-off: the fixed 1 ms tick's 3 ms");
    }

    @Test
    void theDefaultsKeepDetectionWithinAFewMillisecondsOfTheFixedTick() {
        WatchdogBackoff b = new WatchdogBackoff();
        long fixed = new WatchdogBackoff(WatchdogBackoff.MIN_INTERVAL_NANOS, WatchdogBackoff.MIN_INTERVAL_NANOS)
                .worstCaseDetectionNanos(Watchdog.STUCK_TICKS);
        assertTrue(b.worstCaseDetectionNanos(Watchdog.STUCK_TICKS) - fixed <= 5 * MS, b.toString());
    }

    @Test
    void boundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new WatchdogBackoff(0, MS));
        assertThrows(IllegalArgumentException.class, () -> new WatchdogBackoff(2 * MS, MS));
    }
}
