package dev.weft.fiber.impl.exec;

import dev.weft.fiber.impl.Await;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded latch waits for the executor tests: a hang fails naming what was awaited. */
final class Latches {
    private Latches() {
    }

    static void await(String what, CountDownLatch latch) {
        try {
            if (!latch.await(Await.HANG.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("timed out after " + Await.HANG + " waiting for: " + what + " (count " + latch.getCount() + ")");
            }
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted waiting for: " + what, e);
        }
    }
}
