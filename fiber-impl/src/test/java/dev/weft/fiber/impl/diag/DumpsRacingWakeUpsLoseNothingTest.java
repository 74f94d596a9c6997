package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dumps taken in a loop while fibers park and unpark each other as fast as they can: every
 * wake-up that lands while a dump holds a fiber for its walk is honoured (each pair finishes all
 * its rounds), no fiber is run twice, and no walk fails.
 */
@Timeout(90)
class DumpsRacingWakeUpsLoseNothingTest {
    private static final int PAIRS = 64;
    private static final int ROUNDS = 3_000;

    @Test
    void pingPongPairsFinishWhileDumpsWalkThem() throws Exception {
        for (FiberScheduler s : List.of(Schedulers.workStealing(2), Schedulers.fifo(2))) {
            AtomicBoolean dumping = new AtomicBoolean(true);
            AtomicInteger dumps = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread dumper = Thread.ofPlatform().start(() -> {
                try {
                    while (dumping.get()) {
                        FiberDump d = FiberDump.take();
                        d.toText();
                        dumps.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            try {
                List<Fiber<?>> fibers = new ArrayList<>();
                for (int p = 0; p < PAIRS; p++) {
                    Fiber<?>[] pair = new Fiber<?>[2];
                    AtomicInteger turn = new AtomicInteger();
                    for (int side = 0; side < 2; side++) {
                        int me = side;
                        pair[side] = Fiber.builder().scheduler(s).start(() -> {
                            for (int r = 0; r < ROUNDS; r++) {
                                while (turn.get() % 2 != me) {
                                    Fiber.park();
                                }
                                turn.incrementAndGet();
                                Fiber<?> other = pair[1 - me];
                                while (other == null) {
                                    Fiber.yield();
                                    other = pair[1 - me];
                                }
                                other.unpark();
                            }
                        });
                    }
                    fibers.add(pair[0]);
                    fibers.add(pair[1]);
                }
                Await.joinedAll(fibers);
            } finally {
                dumping.set(false);
                dumper.join();
                s.shutdownNow();
                s.awaitTermination(Await.HANG);
            }
            assertNull(failure.get(), () -> "a dump failed: " + failure.get());
            assertTrue(dumps.get() > 0, "dumps were taken");
        }
    }
}
