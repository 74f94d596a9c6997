package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded waiting for tests. Every wait has a generous deadline so that a lost wake-up or a
 * hang shows up as a failure naming what was awaited, never as a stuck build. The deadlines
 * are failure detectors, not timing assertions: a correct implementation meets them by orders
 * of magnitude.
 */
public final class Await {
    /** How long any single wait may take before the test calls it a hang. */
    public static final Duration HANG = Duration.ofSeconds(30);

    private Await() {
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@link #HANG}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG.toNanos();
        int spins = 0;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + HANG + " waiting for: " + what);
            }
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                sleepQuietly(1);
            }
        }
    }

    /** Waits until {@code fiber} is in {@code state}. */
    public static void state(Fiber<?> fiber, Fiber.State state) {
        until(fiber.name() + " in state " + state + " (last seen " + fiber.state() + ")",
                () -> fiber.state() == state);
    }

    /** Joins {@code fiber}, failing if it does not terminate within {@link #HANG}. */
    public static void joined(Fiber<?> fiber) {
        try {
            if (!fiber.join(HANG)) {
                fail(fiber.name() + " did not terminate within " + HANG + ", state " + fiber.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while joining " + fiber.name());
        }
    }

    /** Joins every fiber of {@code fibers}. */
    public static void joinedAll(List<? extends Fiber<?>> fibers) {
        for (Fiber<?> f : fibers) {
            joined(f);
        }
    }

    /** Joins a plain thread, failing if it does not end within {@link #HANG}. */
    public static void joined(Thread thread) {
        try {
            thread.join(HANG.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while joining " + thread.getName());
        }
        if (thread.isAlive()) {
            fail(thread.getName() + " did not end within " + HANG + ", state " + thread.getState());
        }
    }

    /** The live threads whose names start with {@code prefix}. */
    public static List<Thread> liveThreadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .toList();
    }

    /** A readable list of live threads whose names start with {@code prefix}, with their stacks. */
    public static String describeThreads(String prefix) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith(prefix)) {
                sb.append(e.getKey().getName()).append(" ").append(e.getKey().getState()).append('\n');
                for (StackTraceElement frame : e.getValue()) {
                    sb.append("    at ").append(frame).append('\n');
                }
            }
        }
        return sb.toString();
    }

    public static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
