package dev.weft.fiber.impl.exec;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded executor's queue-and-permits protocol under racing submitters and finishing
 * tasks, with bounds of 1 to 3 so that every hand-off of a permit is contended: the bound is
 * never exceeded, no queued task is stranded (every accepted task runs, the executor
 * terminates), and a shutdown racing the submitters loses nothing.
 */
class BoundedExecutorStressTest {

    @ParameterizedTest
    @ValueSource(strings = {"raw-ws4", "raw-fifo2", "virtual-ws2"})
    void theBoundHoldsAndNoQueuedTaskIsStranded(String mode) throws Exception {
        String[] parts = mode.split("-");
        try (FiberScheduler s = parts[1].equals("ws4") ? Schedulers.workStealing(4) : parts[1].equals("fifo2")
                ? Schedulers.fifo(2) : Schedulers.workStealing(2)) {
            for (int round = 0; round < 60; round++) {
                int bound = 1 + round % 3;
                ExecutorService e = parts[0].equals("raw") ? FiberExecutors.newRawFiberPerTaskExecutor(s, bound)
                        : FiberExecutors.newFiberPerTaskExecutor(s, bound);
                AtomicInteger running = new AtomicInteger();
                AtomicInteger most = new AtomicInteger();
                AtomicInteger ran = new AtomicInteger();
                AtomicInteger accepted = new AtomicInteger();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> submitters = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    submitters.add(Thread.ofPlatform().start(() -> {
                        Latches.await("go", go);
                        for (int i = 0; i < 100; i++) {
                            try {
                                e.execute(() -> {
                                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                                    Fiber.yield(); // in a fiber: lets another task run meanwhile
                                    running.decrementAndGet();
                                    ran.incrementAndGet();
                                });
                                accepted.incrementAndGet();
                            } catch (RejectedExecutionException rejected) {
                                return;
                            }
                        }
                    }));
                }
                go.countDown();
                if (round % 2 == 1) {
                    Thread.yield();
                    e.shutdown(); // racing the submitters
                }
                for (Thread t : submitters) {
                    t.join();
                }
                e.shutdown();
                assertTrue(e.awaitTermination(30, TimeUnit.SECONDS), "round " + round + ": stranded tasks in " + e);
                assertEquals(accepted.get(), ran.get(), "round " + round + ": accepted tasks that never ran");
                assertTrue(most.get() <= bound, "round " + round + ": " + most.get() + " tasks at once, bound " + bound);
            }
        }
    }

    /**
     * Many tiny rounds on a bound of 1: the race the give-back re-check in {@code drain} closes
     * (a task queued while a finisher held the only permit and found the queue empty) needs a
     * submitter and a finisher within a few instructions of each other, so it is tried often.
     * The window is so narrow that this test did not catch the re-check's removal (nor did a
     * lincheck model check of 5 x 200 invocations, tried and dropped for its 19 s): the argument
     * for the re-check is in {@code FiberPerTaskExecutor}'s class comment, not pinned here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"raw", "virtual"})
    void tinyRoundsOnABoundOfOneNeverStrandATask(String mode) throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            for (int round = 0; round < 3_000; round++) {
                ExecutorService e = mode.equals("raw") ? FiberExecutors.newRawFiberPerTaskExecutor(s, 1)
                        : FiberExecutors.newFiberPerTaskExecutor(s, 1);
                AtomicInteger ran = new AtomicInteger();
                e.execute(ran::incrementAndGet);
                Thread helper = Thread.ofPlatform().start(() -> e.execute(ran::incrementAndGet));
                e.execute(ran::incrementAndGet);
                helper.join();
                e.shutdown();
                assertTrue(e.awaitTermination(10, TimeUnit.SECONDS), "round " + round + ": a queued task was stranded: " + e);
                assertEquals(3, ran.get());
            }
        }
    }
}
