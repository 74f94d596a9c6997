package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.impl.util.CurrentThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a FIFO scheduler, a fiber that yields while nothing else waits is the head of the queue it
 * would join, so its carrier runs it again without putting it through the shared queue; a fiber
 * that yields while others wait still goes behind them.
 */
@Timeout(120)
class FifoYieldIntoAnEmptyQueueKeepsItsCarrierTest {

    @Test
    void aLoneYieldingFiberStaysOnOneCarrierWhileTheOthersSpinAndPark() throws Exception {
        // Three carriers: the two idle ones spin, then park, and would take the fiber from the
        // shared ring at most yields if it went through it.
        FifoScheduler pool = new FifoScheduler(3);
        try {
            for (int round = 0; round < 5; round++) {
                Set<Thread> carriers = Fiber.builder().scheduler(pool).start(() -> {
                    Set<Thread> seen = new HashSet<>();
                    for (int i = 0; i < 20_000; i++) {
                        Fiber.yield();
                        seen.add(CurrentThread.get());
                    }
                    return seen;
                }).get();
                assertEquals(1, carriers.size(), "a lone fiber's yields moved it between carriers: " + carriers);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void yieldingFibersStillTakeTurnsInQueueOrder() throws Exception {
        // One carrier: after the first yields, each of the four fibers finds the other three
        // queued, so the trace must go round in one fixed order.
        FifoScheduler pool = new FifoScheduler(1, 65_536, 0);
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                int fibers = 4;
                int rounds = 50;
                List<Integer> trace = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger arrived = new AtomicInteger();
                AtomicBoolean go = new AtomicBoolean();
                List<Fiber<Void>> started = new ArrayList<>();
                for (int f = 0; f < fibers; f++) {
                    int me = f;
                    started.add(Fiber.builder().scheduler(pool).start(() -> {
                        arrived.incrementAndGet();
                        while (!go.get()) {
                            Fiber.yield();
                        }
                        for (int i = 0; i < rounds; i++) {
                            trace.add(me);
                            Fiber.yield();
                        }
                        return null;
                    }));
                }
                while (arrived.get() < fibers) {
                    Thread.onSpinWait();
                }
                go.set(true);
                for (Fiber<Void> f : started) {
                    f.get();
                }
                List<Integer> t = List.copyOf(trace);
                assertEquals(fibers * rounds, t.size());
                // Once every fiber has had its first turn, each turn is the one of the fiber that
                // ran "fibers" turns ago: strict rotation.
                int settled = fibers * 2;
                for (int i = settled; i < t.size() - fibers; i++) {
                    assertEquals(t.get(i - fibers), t.get(i),
                            "fibers did not take turns in queue order at step " + i + ": " + t);
                }
                assertTrue(new HashSet<>(t.subList(settled, settled + fibers)).size() == fibers,
                        "a rotation did not hold every fiber: " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
