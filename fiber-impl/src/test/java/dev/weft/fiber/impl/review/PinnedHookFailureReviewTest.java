package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.StackfulContinuation;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure in the pinned-park bookkeeping must not break the park. Here the pinning warning's
 * log handler throws (standing for any failure there, such as no memory to build the message):
 * the park still blocks the carrier as a pinned park should, an unpark still releases it, and the
 * fiber still runs to its result. (Before, the exception escaped from inside the park after the
 * fiber had announced PARKING; the body ended, but the carrier filed the finished fiber as parked
 * and it never terminated.)
 */
class PinnedHookFailureReviewTest {

    @Test
    void failingPinnedParkLogDoesNotBreakThePark() throws Exception {
        Logger jul = Logger.getLogger("dev.weft.fiber.pinning");
        Handler throwing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                throw new IllegalStateException("log handler failure");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(throwing);
        FiberScheduler pool = new WorkStealingScheduler(1);
        try {
            Fiber<String> f = Fiber.builder().scheduler(pool).start(() -> {
                StackfulContinuation.pin();
                try {
                    Fiber.park(); // pinned: logged once for this call site, and the log throws
                } finally {
                    StackfulContinuation.unpin();
                }
                return "parked and returned";
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (f.state() != Fiber.State.PINNED && f.state() != Fiber.State.TERMINATED
                    && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertEquals(Fiber.State.PINNED, f.state(), "the fiber should be in its pinned park");
            f.unpark();
            assertTrue(f.join(Duration.ofSeconds(5)), "the unparked fiber never terminated; state " + f.state());
            assertEquals("parked and returned", f.get());
        } finally {
            jul.removeHandler(throwing);
            pool.shutdownNow();
            pool.awaitTermination(Duration.ofSeconds(10));
        }
    }
}
