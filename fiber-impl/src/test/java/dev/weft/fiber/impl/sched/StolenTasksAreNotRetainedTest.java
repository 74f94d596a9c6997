package dev.weft.fiber.impl.sched;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link WorkQueue} keeps no reference to a task once it has been taken, by its owner or by a
 * thief, and the queue has run empty: a fiber stolen from a carrier and then parked with nothing
 * to wake it must be collectable, or leak tracking would never report it.
 */
@Timeout(60)
class StolenTasksAreNotRetainedTest {

    @Test
    void stolenAndPoppedTasksAreCollectableOnceTheQueueRanEmpty() throws InterruptedException {
        WorkQueue<Object> victim = new WorkQueue<>(16);
        WorkQueue<Object> thief = new WorkQueue<>(16);
        List<WeakReference<Object>> refs = fill(victim, 12);
        if (victim.stealHalf(thief) == null || victim.stealOne() == null) { // a thief takes half, the watchdog one...
            fail("nothing stolen");
        }
        while (victim.pop() != null) {
            // ...and the owner the rest
        }
        assertEquals(null, victim.pop()); // the owner finds its queue empty: it clears the dead slots
        while (thief.pop() != null) {
            // the thief's owner runs what it stole
        }
        thief.pop();
        awaitCollected(refs);
    }

    /** Pushes {@code n} fresh objects and returns weak references to them (no strong one is kept). */
    private static List<WeakReference<Object>> fill(WorkQueue<Object> q, int n) {
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object task = new Object();
            refs.add(new WeakReference<>(task));
            q.push(task);
        }
        return refs;
    }

    private static void awaitCollected(List<WeakReference<Object>> refs) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (refs.stream().anyMatch(r -> r.get() != null)) {
            if (System.nanoTime() - deadline > 0) {
                fail(refs.stream().filter(r -> r.get() != null).count() + " of " + refs.size() + " taken tasks are still reachable");
            }
            System.gc();
            Thread.sleep(10);
        }
    }
}
