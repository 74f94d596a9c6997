package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 100,000 fibers and 10,000 plain tasks on two carriers, throwing at random from the task, from
 * the fiber's uncaught-exception handler and from the JVM's default handler (which reports what a
 * plain task threw), with exceptions whose {@code toString()} throws: every fiber terminates with
 * its task's outcome, every plain task runs, and the pool keeps its carriers throughout.
 */
@Timeout(240)
class ThrowingTasksAndHandlersStressTest {
    private static final int FIBERS = 100_000;
    private static final int PLAIN_TASKS = 10_000;

    /** An exception that cannot be printed. */
    static final class Unprintable extends RuntimeException {
        Unprintable() {
            super(null, null, false, false);
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString of Unprintable");
        }
    }

    /** What a task or handler throws, chosen by {@code kind}; null for "return normally". */
    private static Throwable failure(int kind) {
        return switch (kind) {
            case 0 -> new IllegalStateException("plain failure");
            case 1 -> new Unprintable();
            case 2 -> new OutOfMemoryError("simulated");
            case 3 -> new StackOverflowError("simulated");
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static void run(FiberScheduler s) throws Exception {
        int parallelism = s.stats().parallelism();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        SplittableRandom seeds = new SplittableRandom(42);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            Throwable f = failure(Math.floorMod(e.hashCode(), 6));
            if (f != null) {
                sneakyThrow(f);
            }
        });
        // Fibers without a handler of their own report to the scheduler's, silent here: without it
        // each would be logged (the default), thousands of warnings that this test causes on purpose.
        s.setUncaughtExceptionHandler((fiber, e) -> { });
        try {
            CountDownLatch plainRan = new CountDownLatch(PLAIN_TASKS);
            List<Fiber<Integer>> fibers = new ArrayList<>(FIBERS);
            Throwable[] expected = new Throwable[FIBERS];
            for (int i = 0; i < FIBERS; i++) {
                SplittableRandom r = seeds.split();
                int taskKind = r.nextInt(6);
                int handlerKind = r.nextInt(7);
                boolean yieldFirst = r.nextBoolean();
                Throwable taskFailure = failure(taskKind);
                expected[i] = taskFailure;
                int value = i;
                Fiber.Builder b = Fiber.builder().scheduler(s);
                if (handlerKind < 6) {
                    b.uncaughtExceptionHandler((fiber, e) -> {
                        Throwable f = handlerKind == 5 ? e : failure(handlerKind); // 5: rethrow the task's own
                        if (f != null) {
                            sneakyThrow(f);
                        }
                    });
                }
                fibers.add(b.start((Callable<Integer>) () -> {
                    if (yieldFirst) {
                        Fiber.yield();
                    }
                    if (taskFailure != null) {
                        sneakyThrow(taskFailure);
                    }
                    return value;
                }));
                if (i % (FIBERS / PLAIN_TASKS) == 0) {
                    Throwable plainFailure = failure(r.nextInt(6));
                    s.execute(() -> {
                        plainRan.countDown();
                        if (plainFailure != null) {
                            sneakyThrow(plainFailure);
                        }
                    });
                }
                if (i % 10_000 == 0 && s.stats().carriers() < parallelism) {
                    fail("the pool lost carriers: " + s.stats());
                }
            }
            for (int i = 0; i < FIBERS; i++) {
                Fiber<Integer> f = fibers.get(i);
                Await.joined(f);
                if (expected[i] == null) {
                    assertEquals(i, f.get());
                } else {
                    try {
                        f.get();
                        fail(f + " returned, but its task threw " + expected[i].getClass().getName());
                    } catch (ExecutionException e) {
                        assertSame(expected[i], e.getCause());
                    }
                }
            }
            assertTrue(plainRan.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), "plain tasks left: " + plainRan.getCount());
            assertTrue(s.stats().carriers() >= parallelism, "the pool lost carriers: " + s.stats());
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "did not terminate: " + s.stats());
        }
    }

    @Test
    void workStealingKeepsItsCarriersAndEveryFiberTerminates() throws Exception {
        run(new WorkStealingScheduler(2));
    }

    @Test
    void fifoKeepsItsCarriersAndEveryFiberTerminates() throws Exception {
        run(new FifoScheduler(2));
    }
}
