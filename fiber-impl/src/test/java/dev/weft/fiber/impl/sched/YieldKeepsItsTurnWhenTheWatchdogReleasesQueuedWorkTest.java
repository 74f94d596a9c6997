package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A fiber that computes for several watchdog intervals between two yields makes the watchdog move
 * the work queued behind its carrier to the injection queue ({@code releaseKeptWork}); when it
 * yields, the carrier still goes to the fiber that was queued behind it, not back to the slow
 * one. One carrier and no compensating carriers, so that no stand-in runs the queued fiber
 * beside the slow one (which a loaded machine could otherwise cause, legitimately).
 */
@Timeout(60)
class YieldKeepsItsTurnWhenTheWatchdogReleasesQueuedWorkTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"work-stealing", "fifo"})
    void theFiberQueuedBehindASlowOneRunsAtTheSlowOnesNextYield(String kind) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            CarrierPool pool = kind.equals("fifo") ? new FifoScheduler(1, 65_536, 0) : new WorkStealingScheduler(1, 0, true);
            try {
                List<String> trace = alternate(pool, 6);
                for (int i = 1; i < trace.size() - 1; i++) {
                    assertNotEquals(trace.get(i - 1), trace.get(i),
                            "yield did not hand the carrier to the other fiber at step " + i + ": " + trace);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Two fibers, "slow" and "quick", that record their name and yield {@code rounds} times each. */
    private static List<String> alternate(CarrierPool pool, int rounds) throws Exception {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger arrived = new AtomicInteger();
        Callable<Void> body = () -> {
            arrived.incrementAndGet();
            while (arrived.get() < 2) {
                Fiber.yield();
            }
            String me = Fiber.current().name();
            for (int i = 0; i < rounds; i++) {
                trace.add(me);
                if (me.equals("slow")) {
                    // 8 ms: past two looks of the watchdog (at most 3 ms apart), which then moves
                    // the queued fiber; short of the 10 ms after which a carrier counts as blocked
                    long until = System.nanoTime() + 8_000_000L;
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                }
                Fiber.yield();
            }
            return null;
        };
        Fiber<Void> slow = Fiber.builder().scheduler(pool).name("slow").start(body);
        Fiber<Void> quick = Fiber.builder().scheduler(pool).name("quick").start(body);
        slow.get();
        quick.get();
        List<String> snapshot = List.copyOf(trace);
        assertEquals(2 * rounds, snapshot.size());
        return snapshot;
    }
}
