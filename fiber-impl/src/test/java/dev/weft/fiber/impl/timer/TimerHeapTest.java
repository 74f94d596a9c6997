package dev.weft.fiber.impl.timer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The indexed heap on its own, against {@link PriorityQueue} as the reference. */
class TimerHeapTest {

    private static DeadlineTimer.Timeout timeout(long deadline) {
        return new DeadlineTimer.Timeout(deadline, null, null);
    }

    private static void add(TimerHeap heap, DeadlineTimer.Timeout t) {
        heap.reserve();
        heap.add(t);
    }

    /** Every queued timeout knows its slot, and no parent is later than its children. */
    private static void assertHeapInvariants(TimerHeap heap, List<DeadlineTimer.Timeout> queued) {
        assertEquals(queued.size(), heap.size());
        for (DeadlineTimer.Timeout t : queued) {
            assertTrue(t.index >= 0 && t.index < heap.size(), "index " + t.index);
        }
        // the slots are distinct because the indices of distinct queued timeouts are
        assertEquals(queued.size(), queued.stream().mapToInt(t -> t.index).distinct().count());
    }

    @Test
    void pollsInDeadlineOrderThroughRandomAddsRemovesAndPolls() {
        SplittableRandom random = new SplittableRandom(42);
        TimerHeap heap = new TimerHeap();
        PriorityQueue<DeadlineTimer.Timeout> reference = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
        List<DeadlineTimer.Timeout> queued = new ArrayList<>();
        for (int op = 0; op < 200_000; op++) {
            int kind = random.nextInt(10);
            if (kind < 5 || queued.isEmpty()) {
                DeadlineTimer.Timeout t = timeout(random.nextLong(1_000)); // many equal deadlines
                add(heap, t);
                reference.add(t);
                queued.add(t);
            } else if (kind < 8) {
                DeadlineTimer.Timeout t = queued.remove(random.nextInt(queued.size()));
                heap.remove(t);
                reference.remove(t);
                assertEquals(DeadlineTimer.Timeout.DONE, t.index);
            } else {
                DeadlineTimer.Timeout t = heap.poll();
                // equal deadlines may leave in any order: compare deadlines, remove by identity
                assertEquals(reference.peek().deadline, t.deadline, "polled out of deadline order");
                assertTrue(reference.remove(t));
                assertTrue(queued.remove(t));
                assertEquals(DeadlineTimer.Timeout.DONE, t.index);
            }
            if (op % 1_000 == 0) {
                assertHeapInvariants(heap, queued);
            }
        }
        long last = Long.MIN_VALUE;
        for (DeadlineTimer.Timeout t; (t = heap.poll()) != null; ) {
            assertTrue(t.deadline >= last, "polled out of deadline order");
            last = t.deadline;
        }
        assertEquals(0, heap.size());
    }

    @Test
    void deadlinesAcrossTheNanoTimeOverflowStayInOrder() {
        long base = Long.MAX_VALUE - 1_000; // System.nanoTime() may be anywhere, and wraps
        List<DeadlineTimer.Timeout> ts = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            ts.add(timeout(base + i));
        }
        List<DeadlineTimer.Timeout> shuffled = new ArrayList<>(ts);
        Collections.shuffle(shuffled, new java.util.Random(7));
        TimerHeap heap = new TimerHeap();
        shuffled.forEach(t -> add(heap, t));
        for (DeadlineTimer.Timeout expected : ts) {
            assertSame(expected, heap.poll());
        }
    }

    @Test
    void seventyThousandTimeoutsOnOneDeadlineTakeOneSlotEachAndTheArrayShrinksAfterwards() {
        TimerHeap heap = new TimerHeap();
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            add(heap, timeout(123));
        }
        assertTrue(heap.capacity() < 2 * n, "capacity " + heap.capacity());
        int polled = 0;
        while (heap.poll() != null) {
            polled++;
            if (polled % 1_000 == 0) {
                heap.trimIfSparse();
            }
        }
        heap.trimIfSparse();
        assertEquals(n, polled);
        assertEquals(TimerHeap.MIN_CAPACITY, heap.capacity());
        assertNull(heap.peek());
    }

    @Test
    void removingATimeoutThatIsNotQueuedChangesNothing() {
        TimerHeap heap = new TimerHeap();
        DeadlineTimer.Timeout queued = timeout(5);
        add(heap, queued);
        DeadlineTimer.Timeout stranger = timeout(1);
        heap.remove(stranger);
        DeadlineTimer.Timeout polled = timeout(2);
        add(heap, polled);
        assertSame(polled, heap.poll());
        heap.remove(polled); // already left: its index is DONE
        assertEquals(1, heap.size());
        assertSame(queued, heap.peek());
        assertEquals(DeadlineTimer.Timeout.NEW, stranger.index);
    }
}
