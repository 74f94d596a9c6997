package dev.weft.fiber.impl.sched;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sequential contract of {@link WorkQueue}: FIFO order, bounds, and how much a steal takes. */
class WorkQueueTest {

    /** Drains {@code q} with the owner's {@code pop}. */
    static List<Integer> drain(WorkQueue<Integer> q) {
        List<Integer> out = new ArrayList<>();
        for (Integer x; (x = q.pop()) != null; ) {
            out.add(x);
        }
        return out;
    }

    private static WorkQueue<Integer> queueOf(int capacity, int count) {
        WorkQueue<Integer> q = new WorkQueue<>(capacity);
        for (int i = 0; i < count; i++) {
            assertTrue(q.push(i));
        }
        return q;
    }

    @Test
    void capacityMustBeAPowerOfTwoOfAtLeastTwo() {
        for (int bad : new int[] {-4, 0, 1, 3, 6, 100}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkQueue<>(bad));
            assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        }
        assertEquals(2, new WorkQueue<>(2).capacity());
        assertEquals(256, new WorkQueue<>(256).capacity());
    }

    @Test
    void stealOneTakesTheHeadAndLeavesTheRestInOrderForTheOwner() {
        WorkQueue<Integer> q = new WorkQueue<>(8);
        assertNull(q.stealOne(), "empty");
        for (int i = 1; i <= 5; i++) {
            assertTrue(q.push(i));
        }
        assertEquals(1, q.stealOne());
        assertEquals(2, q.pop());
        assertEquals(3, q.stealOne());
        assertEquals(2, q.size());
        assertEquals(4, q.pop());
        assertEquals(5, q.stealOne());
        assertNull(q.stealOne());
        assertNull(q.pop());
        for (int i = 0; i < 8; i++) {
            assertTrue(q.push(10 + i), "the slots taken by stealOne are free again");
        }
        assertFalse(q.push(99));
    }

    @Test
    void ownerPopsInFifoOrder() {
        WorkQueue<Integer> q = queueOf(8, 5);
        assertEquals(5, q.size());
        assertEquals(List.of(0, 1, 2, 3, 4), drain(q));
        assertNull(q.pop());
        assertTrue(q.isEmpty());
    }

    @Test
    void pushFailsWhenFullAndSucceedsAgainAfterPop() {
        WorkQueue<Integer> q = queueOf(4, 4);
        assertFalse(q.push(99), "push into a full queue");
        assertEquals(4, q.size());
        assertEquals(0, q.pop());
        assertTrue(q.push(4));
        assertEquals(List.of(1, 2, 3, 4), drain(q));
    }

    @Test
    void indexesWrapAroundManyTimes() {
        WorkQueue<Integer> q = new WorkQueue<>(4);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 10_000; round++) {
            while (q.push(next)) {
                next++;
            }
            assertEquals(expected++, q.pop());
            assertEquals(expected++, q.pop());
        }
        List<Integer> rest = drain(q);
        for (int x : rest) {
            assertEquals(expected++, x);
        }
        assertEquals(next, expected);
    }

    @Test
    void stealTakesTheOlderHalfRoundedUpAndReturnsTheNewestOfThem() {
        int[][] sizeToTaken = {{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 4}};
        for (int[] c : sizeToTaken) {
            int size = c[0];
            int taken = c[1];
            WorkQueue<Integer> victim = queueOf(8, size);
            WorkQueue<Integer> thief = new WorkQueue<>(8);
            Integer returned = victim.stealHalf(thief);
            assertEquals(taken - 1, returned, "size " + size + ": returns the last stolen element");
            List<Integer> moved = drain(thief);
            List<Integer> left = drain(victim);
            assertEquals(taken - 1, moved.size(), "size " + size);
            for (int i = 0; i < moved.size(); i++) {
                assertEquals(i, moved.get(i), "size " + size + ": stolen elements keep their order");
            }
            assertEquals(size - taken, left.size(), "size " + size);
            for (int i = 0; i < left.size(); i++) {
                assertEquals(taken + i, left.get(i), "size " + size + ": the newer half stays");
            }
        }
    }

    @Test
    void stealIsLimitedByRoomInTheThiefsQueue() {
        WorkQueue<Integer> victim = queueOf(16, 16);
        WorkQueue<Integer> thief = new WorkQueue<>(4);
        assertTrue(thief.push(100));
        assertTrue(thief.push(101));
        Integer returned = thief.size() == 2 ? victim.stealHalf(thief) : null;
        assertEquals(1, returned, "two free slots: two elements move, the second is returned");
        assertEquals(List.of(100, 101, 0), drain(thief));
        assertEquals(14, victim.size());

        WorkQueue<Integer> full = queueOf(2, 2);
        assertNull(victim.stealHalf(full), "no room at all: nothing is stolen");
        assertEquals(14, victim.size());
    }

    @Test
    void stealFromEmptyReturnsNullAndStealFromSelfIsRejected() {
        WorkQueue<Integer> q = new WorkQueue<>(4);
        assertNull(q.stealHalf(new WorkQueue<>(4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.stealHalf(q));
        assertTrue(e.getMessage().contains("itself"), e.getMessage());
    }

    @Test
    void stolenElementsCanBeStolenOnward() {
        WorkQueue<Integer> a = queueOf(8, 8);
        WorkQueue<Integer> b = new WorkQueue<>(8);
        WorkQueue<Integer> c = new WorkQueue<>(8);
        assertEquals(3, a.stealHalf(b)); // b now holds 0, 1, 2
        assertEquals(1, b.stealHalf(c)); // c now holds 0
        assertEquals(List.of(0), drain(c));
        assertEquals(List.of(2), drain(b));
        assertEquals(List.of(4, 5, 6, 7), drain(a));
    }
}
