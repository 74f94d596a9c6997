package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Code that blocks the old way, on two carriers: in the virtual-thread mode the JDK unmounts it
 * (no compensating carrier is needed); in the raw-fiber mode it blocks carriers and the
 * watchdog's compensating carriers keep the rest going. Neither mode deadlocks or loses a task.
 * Each test prints the scheduler's counters (carriers added) for the report.
 */
class BlockingTasksTest {

    private static ExecutorService executor(String mode, FiberScheduler s) {
        return mode.equals("virtual") ? FiberExecutors.newFiberPerTaskExecutor(s) : FiberExecutors.newRawFiberPerTaskExecutor(s);
    }

    private static void report(String test, String mode, SchedulerStats stats) {
        System.out.println("[BlockingTasksTest] " + test + " " + mode + ": compensationsTotal=" + stats.compensationsTotal()
                + " carriers=" + stats.carriers() + " pinnedParks=" + stats.pinnedParks());
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "raw"})
    void aThousandTasksThatEachThreadSleepTenMillisCompleteOnTwoCarriers(String mode) throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            AtomicInteger done = new AtomicInteger();
            try (ExecutorService e = executor(mode, s)) {
                for (int i = 0; i < 1_000; i++) {
                    e.execute(() -> {
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException ex) {
                            throw new AssertionError(ex);
                        }
                        done.incrementAndGet();
                    });
                }
            }
            assertEquals(1_000, done.get());
            // Carriers added are reported, not asserted: they depend on timing (a carrier busy
            // for 10 ms in a cold JIT counts as blocked too).
            report("sleep", mode, s.stats());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "raw"})
    void tasksWaitingOnEachOtherThroughLatchesAndFuturesDoNotDeadlock(String mode) throws Exception {
        int n = 200;
        try (FiberScheduler s = Schedulers.fifo(2)) {
            try (ExecutorService e = executor(mode, s)) {
                // Every waiter is submitted before the task that releases it, on two carriers:
                // only unmounting (virtual) or compensation (raw) lets the releasers run.
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Integer>> waiters = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    waiters.add(e.submit(() -> {
                        gate.await();
                        return 1;
                    }));
                }
                Future<Integer> sum = e.submit(() -> {
                    int total = 0;
                    for (Future<Integer> w : waiters) {
                        total += w.get();
                    }
                    return total;
                });
                LinkedBlockingQueue<Integer> handOff = new LinkedBlockingQueue<>();
                Future<Integer> taker = e.submit(() -> handOff.take());
                e.execute(gate::countDown);
                e.execute(() -> handOff.add(7));
                assertEquals(n, sum.get(60, TimeUnit.SECONDS));
                assertEquals(7, taker.get(60, TimeUnit.SECONDS));
            }
            report("latch+future", mode, s.stats());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "raw"})
    void synchronizedWaitsDoNotDeadlock(String mode) throws Exception {
        Object monitor = new Object();
        boolean[] ready = {false};
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            try (ExecutorService e = executor(mode, s)) {
                List<Future<?>> waiters = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    waiters.add(e.submit(() -> {
                        synchronized (monitor) {
                            while (!ready[0]) {
                                monitor.wait();
                            }
                        }
                        return null;
                    }));
                }
                e.execute(() -> {
                    synchronized (monitor) {
                        ready[0] = true;
                        monitor.notifyAll();
                    }
                });
                for (Future<?> w : waiters) {
                    w.get(60, TimeUnit.SECONDS);
                }
            }
            report("synchronized wait", mode, s.stats());
        }
    }
}
