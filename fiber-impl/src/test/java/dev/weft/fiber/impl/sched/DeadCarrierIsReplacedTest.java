package dev.weft.fiber.impl.sched;

import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A carrier thread that dies anyway (here: its pool's own code throws an {@link Error} while it
 * looks for work, which no catch around user code can stop) is replaced in its slot, and the
 * replacement takes over the dead carrier's own queue: nothing queued on it is lost, and the
 * pool keeps its carriers. A minimal pool with one queue per carrier stands in for the real
 * ones, whose carrier loop and hand-over it shares ({@link CarrierPool}, {@code newCarrier}'s
 * predecessor).
 */
@Timeout(60)
class DeadCarrierIsReplacedTest {

    /** Makes the carrier that finds it in its queue die in the pool's own code. */
    static final Runnable POISON = () -> {
        throw new AssertionError("POISON is never run");
    };

    static final class OneQueuePerCarrierPool extends CarrierPool {
        OneQueuePerCarrierPool(int parallelism) {
            super("test-one-queue", parallelism, 4, true);
            start();
        }

        static final class QCarrier extends Carrier {
            final Queue<Runnable> own;

            QCarrier(CarrierPool pool, int index, boolean compensating, QCarrier predecessor) {
                super(pool, index, compensating, predecessor);
                own = predecessor != null ? predecessor.own : new ConcurrentLinkedQueue<>();
            }
        }

        @Override
        protected Carrier newCarrier(int index, boolean compensating, Carrier predecessor) {
            return new QCarrier(this, index, compensating, (QCarrier) predecessor);
        }

        @Override
        protected Runnable findWork(Carrier c) {
            Runnable t = ((QCarrier) c).own.poll();
            if (t == POISON) {
                throw new Error("the pool's own code failed: " + c.getName() + " dies");
            }
            return t;
        }

        @Override
        protected boolean hasVisibleWork(Carrier c) {
            return !((QCarrier) c).own.isEmpty();
        }

        /** Everything goes to carrier 0's own queue, and wakes carrier 0 (a wake of another would be lost). */
        @Override
        protected void dispatch(Runnable task, Carrier self, int kind) {
            resumeOn(task, 0, false);
        }

        @Override
        protected void dispatchTo(Runnable task, Carrier target) {
            ((QCarrier) target).own.offer(task);
        }

        @Override
        protected void releaseKeptWork(Carrier c) {
        }

        @Override
        protected long queuedEstimate() {
            return 0;
        }
    }

    @Test
    void aDeadCarrierIsReplacedAndItsQueuedWorkRuns() throws InterruptedException {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { }); // the planned death need not print
        OneQueuePerCarrierPool pool = new OneQueuePerCarrierPool(2);
        try {
            Thread first = pool.carriers[0];
            int tasks = 100;
            CountDownLatch ran = new CountDownLatch(tasks);
            // carrier 0's own queue: the poison (not counted as accepted work: it never runs), then
            // work that only carrier 0 (or its replacement) takes
            pool.resumeOn(POISON, 0, false);
            for (int i = 0; i < tasks; i++) {
                pool.execute(ran::countDown);
            }
            assertTrue(ran.await(Await.HANG.toSeconds(), TimeUnit.SECONDS),
                    "work queued on a dead carrier was lost (" + ran.getCount() + " left): " + pool.stats());
            Await.joined(first);
            assertTrue(pool.carriers[0] != first && pool.carriers[0].isAlive(), "slot 0 was not given a new carrier");
            Await.until("the pool to have its two carriers again (" + pool.stats() + ")", () -> pool.stats().carriers() == 2);
            // and the replacement dies and is replaced just the same
            CountDownLatch again = new CountDownLatch(1);
            pool.resumeOn(POISON, 0, false);
            pool.execute(again::countDown);
            assertTrue(again.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), "second death: " + pool.stats());
            assertEquals(0, pool.stats().compensating(), pool.stats().toString());
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(Await.HANG), "did not terminate: " + pool.stats());
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
