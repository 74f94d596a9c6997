package dev.weft.fiber.impl.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ScheduledExecutorService} contract with {@code ScheduledThreadPoolExecutor}'s default
 * policies, run against the JDK's (the reference) and Weft's in both modes. Only lower bounds on
 * time are asserted (a task never runs early), never how late it runs.
 */
abstract class ScheduledExecutorContractTest {

    ScheduledExecutorService executor;

    abstract ScheduledExecutorService newExecutor();

    void releaseResources() {
    }

    @BeforeEach
    void create() {
        executor = newExecutor();
    }

    @AfterEach
    void release() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "did not terminate: " + executor);
        releaseResources();
    }

    @Test
    void aDelayedTaskNeverRunsBeforeItsDelay() throws Exception {
        long start = System.nanoTime();
        ScheduledFuture<Long> f = executor.schedule(() -> System.nanoTime() - start, 30, TimeUnit.MILLISECONDS);
        assertTrue(f.getDelay(TimeUnit.MILLISECONDS) <= 30);
        long ranAfter = f.get(30, TimeUnit.SECONDS);
        assertTrue(ranAfter >= TimeUnit.MILLISECONDS.toNanos(30), "ran after " + ranAfter + " ns");
        assertEquals(Future.State.SUCCESS, f.state());
    }

    @Test
    void aDelayedRunnableCompletesWithNull() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        ScheduledFuture<?> f = executor.schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
        Latches.await("delayed runnable", ran);
        assertEquals(null, f.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aCancelledDelayedTaskNeverRuns() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ScheduledFuture<?> f = executor.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        assertThrows(CancellationException.class, f::get);
        executor.shutdown();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "a cancelled delayed task held up termination");
        assertEquals(0, ran.get());
    }

    @Test
    void aFixedRateTaskRunsRepeatedlyUntilCancelled() throws Exception {
        CountDownLatch fiveRuns = new CountDownLatch(5);
        ScheduledFuture<?> f = executor.scheduleAtFixedRate(fiveRuns::countDown, 0, 2, TimeUnit.MILLISECONDS);
        Latches.await("five runs at a fixed rate", fiveRuns);
        assertTrue(f.cancel(false));
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void aFixedDelayTaskRunsRepeatedlyUntilCancelled() throws Exception {
        CountDownLatch fiveRuns = new CountDownLatch(5);
        ScheduledFuture<?> f = executor.scheduleWithFixedDelay(fiveRuns::countDown, 0, 2, TimeUnit.MILLISECONDS);
        Latches.await("five runs with a fixed delay", fiveRuns);
        assertTrue(f.cancel(true));
    }

    @Test
    void aPeriodicTaskThatThrowsIsNotRunAgainAndItsFutureFails() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("third run");
        ScheduledFuture<?> f = executor.scheduleAtFixedRate(() -> {
            if (runs.incrementAndGet() == 3) {
                throw boom;
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        assertSame(boom, e.getCause());
        assertEquals(3, runs.get());
    }

    @Test
    void nonPositivePeriodsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> executor.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> executor.scheduleWithFixedDelay(() -> { }, 0, -1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> executor.schedule((Runnable) null, 1, TimeUnit.SECONDS));
    }

    @Test
    void shutdownCancelsPeriodicTasksButStillRunsDelayedOnes() throws Exception {
        CountDownLatch firstRun = new CountDownLatch(1);
        ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(firstRun::countDown, 0, 1, TimeUnit.MILLISECONDS);
        ScheduledFuture<String> delayed = executor.schedule(() -> "ran", 20, TimeUnit.MILLISECONDS);
        Latches.await("periodic first run", firstRun);
        executor.shutdown();
        assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> executor.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
        assertEquals("ran", delayed.get(30, TimeUnit.SECONDS));
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(periodic.isCancelled());
    }

    @Test
    void shutdownNowReturnsTheTasksStillWaitingAndNoneOfThemRuns() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ScheduledFuture<?> a = executor.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        ScheduledFuture<?> b = executor.schedule(ran::incrementAndGet, 2, TimeUnit.HOURS);
        List<Runnable> waiting = executor.shutdownNow();
        assertEquals(2, waiting.size(), "returned: " + waiting);
        assertTrue(waiting.contains(a) && waiting.contains(b));
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(0, ran.get());
        assertFalse(a.state() == Future.State.SUCCESS);
    }
}
