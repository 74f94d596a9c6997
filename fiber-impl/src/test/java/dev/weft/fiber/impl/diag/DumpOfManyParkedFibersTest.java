package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dump of 100,000 parked fibers completes while the scheduler keeps running other fibers, groups
 * them by stack, and loses none of the wake-ups that arrive while their stacks are read.
 */
@Timeout(120)
class DumpOfManyParkedFibersTest {
    private static final int PER_GROUP = 50_000;

    @Test
    void aHundredThousandParkedFibersAreDumpedGroupedWhileOthersRun() throws Exception {
        FiberScheduler s = Schedulers.workStealing(2);
        AtomicBoolean ticking = new AtomicBoolean(true);
        try {
            FiberCountDownLatch wokenDuringDump = new FiberCountDownLatch(1);
            FiberCountDownLatch wokenAfter = new FiberCountDownLatch(1);
            List<Fiber<?>> groupA = new ArrayList<>(PER_GROUP);
            List<Fiber<?>> groupB = new ArrayList<>(PER_GROUP);
            for (int i = 0; i < PER_GROUP; i++) {
                groupA.add(Fiber.builder().scheduler(s).start(() -> awaitInGroupA(wokenDuringDump)));
                groupB.add(Fiber.builder().scheduler(s).start(() -> awaitInGroupB(wokenAfter)));
            }
            AtomicLong ticks = new AtomicLong();
            Fiber<?> ticker = Fiber.builder().name("ticker").scheduler(s).start(() -> {
                while (ticking.get()) {
                    ticks.incrementAndGet();
                    Fiber.yield();
                }
            });
            Await.until("every fiber parked", () -> groupA.get(PER_GROUP - 1).state() == Fiber.State.PARKED
                    && groupB.get(PER_GROUP - 1).state() == Fiber.State.PARKED
                    && s.stats().queued() <= 1);

            // Wake group A while the dump walks it: each wake-up that meets a fiber held for its
            // walk must be honoured when the walk ends.
            AtomicReference<Throwable> wakerFailure = new AtomicReference<>();
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(5);
                    wokenDuringDump.countDown();
                } catch (Throwable e) {
                    wakerFailure.set(e);
                }
            });
            long before = ticks.get();
            FiberDump dump = FiberDump.take();
            long after = ticks.get();
            waker.join();
            assertNull(wakerFailure.get());
            assertTrue(after > before, "the ticker fiber kept running during the dump: " + before + " -> " + after);

            FiberDump.SchedulerSection section = dump.schedulers().stream()
                    .filter(x -> x.name().equals(s.stats().name())).findFirst().orElseThrow();
            assertTrue(section.fibers().size() >= PER_GROUP, "the dump lists the parked fibers: " + section.fibers().size());
            String text = dump.toText();
            String groupBHeader = PER_GROUP + " fibers PARKED on await on ";
            assertTrue(text.contains(groupBHeader), "group B is one group of " + PER_GROUP + ":\n" + head(text));
            assertTrue(text.contains("awaitInGroupB"), head(text));
            assertTrue(text.length() < 200_000, "grouped, the text stays short: " + text.length() + " chars");

            Await.joinedAll(groupA);
            wokenAfter.countDown();
            Await.joinedAll(groupB);
            ticking.set(false);
            ticker.join(Await.HANG);
            assertEquals(0, s.stats().queued());
        } finally {
            ticking.set(false);
            s.shutdownNow();
            s.awaitTermination(Await.HANG);
        }
    }

    private static String head(String text) {
        return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
    }

    private static void awaitInGroupA(FiberCountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitInGroupB(FiberCountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
