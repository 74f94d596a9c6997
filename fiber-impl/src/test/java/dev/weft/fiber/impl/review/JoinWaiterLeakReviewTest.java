package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A join that times out (or is interrupted) must not leave its waiter behind: a supervisor that
 * polls a long-lived fiber with {@code join(timeout)} in a loop would otherwise retain one node
 * (and, from a fiber, the whole waiting fiber) per call until the joined fiber ends.
 */
class JoinWaiterLeakReviewTest {
    private final FiberScheduler scheduler = new WorkStealingScheduler(1);

    @AfterEach
    void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(Duration.ofSeconds(10));
    }

    /** The length of the fiber's waiter stack, read reflectively (a white-box count). */
    private static int waiters(Fiber<?> f) throws ReflectiveOperationException {
        Field head = FiberImpl.class.getDeclaredField("waiters");
        head.setAccessible(true);
        Object n = head.get(f);
        int count = 0;
        while (n != null && n.getClass().getSimpleName().endsWith("Waiter")) {
            count++;
            Field next = n.getClass().getSuperclass().getDeclaredField("next");
            next.setAccessible(true);
            n = next.get(n);
        }
        return count;
    }

    @Test
    void timedOutJoinsFromAThreadLeaveNoWaiters() throws Exception {
        Fiber<Void> longLived = Fiber.builder().scheduler(scheduler).start(() -> {
            while (true) { // parks until cancelled
                Fiber.park();
            }
        });
        for (int i = 0; i < 1000; i++) {
            assertFalse(longLived.join(Duration.ofNanos(1)));
        }
        int left = waiters(longLived);
        longLived.cancel();
        assertTrue(left <= 1, "1000 timed-out joins left " + left + " waiter nodes on the fiber");
    }

    @Test
    void timedOutJoinsFromAFiberLeaveNoWaiters() throws Exception {
        Fiber<Void> longLived = Fiber.builder().scheduler(scheduler).start(() -> {
            while (true) {
                Fiber.park();
            }
        });
        Fiber<Void> poller = Fiber.builder().scheduler(scheduler).start(() -> {
            for (int i = 0; i < 200; i++) {
                try {
                    longLived.join(Duration.ofNanos(1));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertTrue(poller.join(Duration.ofSeconds(30)));
        int left = waiters(longLived);
        longLived.cancel();
        assertTrue(left <= 1, "200 timed-out joins from a fiber left " + left
                + " waiter nodes, each retaining the polling fiber");
    }
}
