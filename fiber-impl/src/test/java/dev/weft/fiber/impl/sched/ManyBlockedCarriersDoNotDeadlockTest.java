package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hundreds of fibers blocked in a {@code java.util.concurrent} wait do not stop the fiber that
 * ends the wait. On d090bbd compensation stopped at 256 carriers: 300 fibers in
 * {@code CountDownLatch.await()} on two carriers took all 258, and the fiber that would count
 * the latch down stayed RUNNABLE for good. Now the bound is {@link CarrierPool#DEFAULT_MAX_COMPENSATING}.
 */
@Timeout(120)
class ManyBlockedCarriersDoNotDeadlockTest {
    private static final int WAITERS = 400;

    private static void waitersThenOpener(FiberScheduler s) throws InterruptedException {
        try {
            CountDownLatch latch = new CountDownLatch(1);
            CountDownLatch allWaiting = new CountDownLatch(WAITERS);
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                fibers.add(Fiber.builder().scheduler(s).start((Runnable) () -> {
                    allWaiting.countDown();
                    try {
                        latch.await(); // blocks the carrier thread
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            // queued behind every waiter: only a carrier that none of them holds can run it
            fibers.add(Fiber.builder().scheduler(s).start((Runnable) () -> {
                try {
                    allWaiting.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                latch.countDown();
            }));
            Await.joinedAll(fibers);
            assertTrue(s.stats().compensationsTotal() >= WAITERS - s.stats().parallelism(), s.stats().toString());
            Await.until("the stand-ins to retire (" + s.stats() + ")", () -> s.stats().compensating() == 0);
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "did not terminate: " + s.stats());
        }
    }

    @Test
    void fourHundredFibersInCountDownLatchAwaitOnTwoWorkStealingCarriersAllFinish() throws InterruptedException {
        waitersThenOpener(new WorkStealingScheduler(2));
    }

    @Test
    void fourHundredFibersInCountDownLatchAwaitOnTwoFifoCarriersAllFinish() throws InterruptedException {
        waitersThenOpener(new FifoScheduler(2));
    }
}
