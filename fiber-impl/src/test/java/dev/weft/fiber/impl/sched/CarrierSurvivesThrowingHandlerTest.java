package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A carrier survives a task whose failure cannot be reported. On d090bbd the carrier's
 * uncaught-exception handler (the JVM's default: it prints the exception, whose
 * {@code toString()} throws here) threw out of {@code runTask}, the carrier thread exited and
 * was never replaced: with one such task per carrier the pool had no carrier left, and every
 * later fiber stayed RUNNABLE.
 */
@Timeout(60)
class CarrierSurvivesThrowingHandlerTest {

    /** An exception that cannot be printed: its {@code toString()} throws. */
    static final class Unprintable extends RuntimeException {
        Unprintable() {
            super(null, null, false, false); // no stack trace: the failed print would show none anyway
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString of Unprintable");
        }
    }

    private static void survives(FiberScheduler s) throws InterruptedException {
        int parallelism = s.stats().parallelism();
        try {
            for (int i = 0; i < 4 * parallelism; i++) {
                s.execute(() -> {
                    throw new Unprintable();
                });
            }
            AtomicInteger ran = new AtomicInteger();
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                fibers.add(Fiber.builder().scheduler(s).start((Runnable) () -> {
                    Fiber.yield();
                    ran.incrementAndGet();
                }));
            }
            Await.joinedAll(fibers);
            assertEquals(1_000, ran.get());
            // No carrier lost. More than parallelism is legal: on a loaded machine the watchdog may
            // have a stand-in running, or one retiring (its count and the compensating count are
            // read apart), as the clean-clone run of 23:55 showed (carriers=3, compensating=0).
            assertTrue(s.stats().carriers() >= parallelism, "carriers lost: " + s.stats());
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "did not terminate: " + s.stats());
        }
    }

    @Test
    void workStealingCarriersSurviveTasksWhoseFailureCannotBePrinted() throws InterruptedException {
        survives(new WorkStealingScheduler(2));
    }

    @Test
    void fifoCarriersSurviveTasksWhoseFailureCannotBePrinted() throws InterruptedException {
        survives(new FifoScheduler(2));
    }

    @Test
    void carriersSurviveAThrowingDefaultUncaughtExceptionHandler() throws InterruptedException {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            throw new IllegalStateException("the default handler fails too");
        });
        try {
            survives(new WorkStealingScheduler(2));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
