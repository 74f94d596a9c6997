package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scheduler contract on {@link Schedulers#fifo(int)} with two carriers, plus what only FIFO
 * promises: on one carrier, fibers run in the order they became runnable.
 */
class FifoSchedulerTest extends SchedulerContractTest {
    @Override
    protected FiberScheduler newScheduler(int parallelism) {
        return Schedulers.fifo(parallelism);
    }

    @Override
    protected int parallelism() {
        return 2;
    }

    @Test
    void fibersRunInSubmissionOrderOnOneCarrier() throws Exception {
        FiberScheduler s = scheduler(1);
        AtomicBoolean hogRunning = new AtomicBoolean();
        AtomicBoolean releaseHog = new AtomicBoolean();
        // Hold the carrier so that all fibers below are queued before any of them runs.
        Fiber<Void> hog = Fiber.builder().scheduler(s).start(() -> {
            hogRunning.set(true);
            while (!releaseHog.get()) {
                Thread.onSpinWait();
            }
        });
        Await.until("the hog to occupy the carrier", hogRunning::get);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int index = i;
            fibers.add(Fiber.builder().scheduler(s).start((Runnable) () -> order.add(index)));
        }
        releaseHog.set(true);
        Await.joined(hog);
        Await.joinedAll(fibers);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
    }

    @Test
    void yieldingFibersTakeTurnsRoundRobinOnOneCarrier() throws Exception {
        FiberScheduler s = scheduler(1);
        int fiberCount = 3;
        int rounds = 20;
        AtomicInteger arrived = new AtomicInteger();
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < fiberCount; i++) {
            fibers.add(Fiber.builder().scheduler(s).name("f" + i).start(() -> {
                arrived.incrementAndGet();
                while (arrived.get() < fiberCount) {
                    Fiber.yield();
                }
                for (int r = 0; r < rounds; r++) {
                    trace.add(Fiber.current().name());
                    Fiber.yield();
                }
            }));
        }
        Await.joinedAll(fibers);
        List<String> t = List.copyOf(trace);
        // Once all three are in the loop, each window of three consecutive turns holds all three.
        for (int i = fiberCount; i + fiberCount <= t.size() - fiberCount; i++) {
            assertEquals(fiberCount, t.subList(i, i + fiberCount).stream().distinct().count(),
                    "not round-robin at " + i + ": " + t);
        }
    }
}
