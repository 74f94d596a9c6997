package dev.weft.fiber.impl.sched;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many threads on {@link WorkQueue}s at once: one owner pushing and popping its queue, two
 * thieves stealing from it (and from each other) into their own queues and popping those. Every
 * element pushed must be taken exactly once. Small capacities make the queues fill, wrap and
 * run dry all the time, which is where the races are.
 */
class WorkQueueStressTest {
    private static final int ELEMENTS = Boolean.getBoolean("weft.stress") ? 50_000_000 : 2_000_000;

    @Test
    void everyElementIsTakenExactlyOnce() throws Exception {
        for (int capacity : new int[] {4, 64}) {
            run(capacity);
        }
    }

    private static void run(int capacity) throws Exception {
        WorkQueue<Integer> ownerQueue = new WorkQueue<>(capacity);
        List<WorkQueue<Integer>> thiefQueues = List.of(new WorkQueue<>(capacity), new WorkQueue<>(capacity));
        AtomicIntegerArray taken = new AtomicIntegerArray(ELEMENTS);
        AtomicBoolean ownerDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder steals = new LongAdder();

        CountDownLatch thievesReady = new CountDownLatch(2);
        Thread owner = Thread.ofPlatform().name("wq-owner").unstarted(() -> {
            awaitQuietly(thievesReady);
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            int next = 0;
            while (next < ELEMENTS) {
                // Push in bursts, pop now and then, so the queue is sometimes full, sometimes empty.
                if (rnd.nextInt(4) != 0) {
                    if (ownerQueue.push(next)) {
                        next++;
                    }
                } else {
                    take(ownerQueue.pop(), taken, failure);
                }
            }
            for (Integer x; (x = ownerQueue.pop()) != null; ) {
                take(x, taken, failure);
            }
            ownerDone.set(true);
        });
        Thread[] thieves = new Thread[2];
        for (int i = 0; i < 2; i++) {
            WorkQueue<Integer> mine = thiefQueues.get(i);
            WorkQueue<Integer> otherThief = thiefQueues.get(1 - i);
            thieves[i] = Thread.ofPlatform().name("wq-thief-" + i).unstarted(() -> {
                thievesReady.countDown();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (true) {
                    boolean finished = ownerDone.get(); // read before the last round of steals
                    WorkQueue<Integer> victim = rnd.nextInt(8) == 0 ? otherThief : ownerQueue;
                    Integer stolen = victim.stealHalf(mine);
                    if (stolen != null) {
                        steals.increment();
                        take(stolen, taken, failure);
                    }
                    // Pop only some of the haul, so the other thief finds something to steal here.
                    for (int k = rnd.nextInt(3); k > 0; k--) {
                        take(mine.pop(), taken, failure);
                    }
                    if (finished && stolen == null && ownerQueue.isEmpty()) {
                        for (Integer x; (x = mine.pop()) != null; ) {
                            take(x, taken, failure);
                        }
                        return;
                    }
                }
            });
        }
        Thread.UncaughtExceptionHandler record = (t, e) -> failure.compareAndSet(null, e);
        owner.setUncaughtExceptionHandler(record);
        owner.start();
        for (Thread t : thieves) {
            t.setUncaughtExceptionHandler(record);
            t.start();
        }
        for (Thread t : new Thread[] {owner, thieves[0], thieves[1]}) {
            t.join(120_000);
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
        if (failure.get() != null) {
            fail("capacity " + capacity + ": " + failure.get(), failure.get());
        }
        // A thief may have stolen from the other thief after that one drained and left.
        for (WorkQueue<Integer> q : thiefQueues) {
            for (Integer x; (x = q.pop()) != null; ) {
                take(x, taken, failure);
            }
        }
        assertTrue(failure.get() == null, () -> String.valueOf(failure.get()));
        int missing = 0;
        int firstMissing = -1;
        for (int i = 0; i < ELEMENTS; i++) {
            if (taken.get(i) == 0) {
                if (missing++ == 0) {
                    firstMissing = i;
                }
            }
        }
        assertEquals(0, missing, "capacity " + capacity + ": elements never taken, the first " + firstMissing);
        assertTrue(steals.sum() > 0, "the thieves never stole anything; the test exercised nothing");
        System.out.printf("WorkQueueStressTest: capacity %d, %d elements, %d successful steals%n",
                capacity, ELEMENTS, steals.sum());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void take(Integer x, AtomicIntegerArray taken, AtomicReference<Throwable> failure) {
        if (x == null) {
            return;
        }
        if (taken.getAndIncrement(x) != 0) {
            failure.compareAndSet(null, new AssertionError("element " + x + " taken twice"));
        }
    }
}
