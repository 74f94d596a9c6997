package dev.weft.fiber.impl.exec;

import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ExecutorService} contract, written once and run against each Weft executor and, as
 * the reference, the JDK's {@code ThreadPoolExecutor} and virtual-thread-per-task executor: a
 * behaviour the JDK's executors do not share is not asserted here. Subclasses make the executor
 * and say how many tasks it runs at once.
 */
abstract class ExecutorServiceContractTest {

    /** Long enough that only an interrupt or a cancel ends it within a test. */
    static final long FOREVER_MILLIS = 120_000;

    ExecutorService executor;

    /** A new executor (and whatever it runs on). */
    abstract ExecutorService newExecutor();

    /** How many tasks run at once; {@link Integer#MAX_VALUE} for one strand per task. At least 8. */
    abstract int concurrency();

    /** Releases whatever {@link #newExecutor()} made besides the executor (a scheduler). */
    void releaseResources() {
    }

    @BeforeEach
    void create() {
        executor = newExecutor();
    }

    @AfterEach
    void release() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "executor did not terminate: " + executor);
        releaseResources();
    }

    private static void sleepForever() throws InterruptedException {
        Thread.sleep(FOREVER_MILLIS);
    }

    /**
     * A task that sleeps until interrupted, counting down {@code started} and then
     * {@code interrupted}: a cancelled task that was still queued never starts, one that had
     * started must be interrupted.
     */
    private static <T> Callable<T> sleepsUntilInterrupted(CountDownLatch started, CountDownLatch interrupted, T value) {
        return () -> {
            started.countDown();
            try {
                sleepForever();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return value;
        };
    }

    /** After the executor has terminated: the task never started, or it was interrupted. */
    private void assertNeverStartedOrInterrupted(CountDownLatch started, CountDownLatch interrupted) throws InterruptedException {
        executor.shutdown();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "a cancelled task is still running: " + executor);
        assertTrue(started.getCount() == 1 || interrupted.getCount() == 0, "the task started and was not interrupted");
    }

    // ----------------------------------------------------------------------------------------
    // Running and results

    @Test
    void executeRunsTheTask() {
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);
        Latches.await("executed task", ran);
    }

    @Test
    void submitOfACallableGivesItsResult() throws Exception {
        Future<String> f = executor.submit(() -> "done");
        assertEquals("done", f.get(30, TimeUnit.SECONDS));
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals(Future.State.SUCCESS, f.state());
        assertEquals("done", f.resultNow());
        assertThrows(IllegalStateException.class, f::exceptionNow);
    }

    @Test
    void submitOfARunnableGivesNullOrTheGivenResult() throws Exception {
        assertNull(executor.submit(() -> { }).get(30, TimeUnit.SECONDS));
        assertEquals(42, executor.submit(() -> { }, 42).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aTaskThatThrowsFailsItsFutureWithTheCause() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        Future<Object> f = executor.submit(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        assertSame(boom, e.getCause());
        assertEquals(Future.State.FAILED, f.state());
        assertSame(boom, f.exceptionNow());
        assertThrows(IllegalStateException.class, f::resultNow);
    }

    @Test
    void anUnfinishedFutureIsRunningAndHasNoResultYet() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> f = executor.submit(() -> {
            release.await();
            return 1;
        });
        assertEquals(Future.State.RUNNING, f.state());
        assertFalse(f.isDone());
        assertThrows(IllegalStateException.class, f::resultNow);
        assertThrows(IllegalStateException.class, f::exceptionNow);
        assertThrows(TimeoutException.class, () -> f.get(1, TimeUnit.MILLISECONDS));
        release.countDown();
        assertEquals(1, f.get(30, TimeUnit.SECONDS));
    }

    @Test
    void nullTasksAreRefused() {
        assertThrows(NullPointerException.class, () -> executor.execute(null));
        assertThrows(NullPointerException.class, () -> executor.submit((Runnable) null));
        assertThrows(NullPointerException.class, () -> executor.submit((Callable<?>) null));
        assertThrows(NullPointerException.class, () -> executor.invokeAll(null));
        assertThrows(NullPointerException.class, () -> executor.invokeAny(null));
    }

    @Test
    void tenThousandTasksFromFourSubmittersAllRunOnce() throws Exception {
        int perSubmitter = 2_500;
        AtomicInteger ran = new AtomicInteger();
        List<Thread> submitters = new ArrayList<>();
        List<Future<?>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int s = 0; s < 4; s++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                List<Future<?>> mine = new ArrayList<>();
                for (int i = 0; i < perSubmitter; i++) {
                    mine.add(executor.submit(ran::incrementAndGet));
                }
                futures.addAll(mine);
            }));
        }
        for (Thread t : submitters) {
            t.join();
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(4 * perSubmitter, ran.get());
    }

    // ----------------------------------------------------------------------------------------
    // Cancellation

    @Test
    void cancelWithInterruptInterruptsTheRunningTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<?> f = executor.submit(() -> {
            started.countDown();
            try {
                sleepForever();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        Latches.await("task started", started);
        assertTrue(f.cancel(true));
        Latches.await("cancelled task interrupted", interrupted);
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
        assertEquals(Future.State.CANCELLED, f.state());
        assertThrows(CancellationException.class, f::get);
        assertThrows(IllegalStateException.class, f::resultNow);
        assertFalse(f.cancel(true), "a second cancel does nothing");
    }

    @Test
    void aCompletedFutureCannotBeCancelled() throws Exception {
        Future<Integer> f = executor.submit(() -> 7);
        assertEquals(7, f.get(30, TimeUnit.SECONDS));
        assertFalse(f.cancel(true));
        assertEquals(Future.State.SUCCESS, f.state());
    }

    // ----------------------------------------------------------------------------------------
    // invokeAll / invokeAny

    @Test
    void invokeAllReturnsEveryFutureDoneInTaskOrder() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            tasks.add(() -> {
                if (n == 13) {
                    throw new IllegalArgumentException("13");
                }
                return n;
            });
        }
        List<Future<Integer>> futures = executor.invokeAll(tasks);
        assertEquals(50, futures.size());
        for (int i = 0; i < 50; i++) {
            Future<Integer> f = futures.get(i);
            assertTrue(f.isDone());
            if (i == 13) {
                assertInstanceOf(IllegalArgumentException.class, f.exceptionNow());
            } else {
                assertEquals(i, f.resultNow());
            }
        }
    }

    @Test
    void timedInvokeAllCancelsWhatDidNotFinish() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch slowInterrupted = new CountDownLatch(1);
        List<Callable<Integer>> tasks = List.of(() -> 1, sleepsUntilInterrupted(slowStarted, slowInterrupted, 2));
        List<Future<Integer>> futures = executor.invokeAll(tasks, 50, TimeUnit.MILLISECONDS);
        assertTrue(futures.get(1).isCancelled());
        assertTrue(futures.get(0).isDone());
        assertNeverStartedOrInterrupted(slowStarted, slowInterrupted);
    }

    @Test
    void invokeAnyReturnsASuccessfulResultAndCancelsTheOthers() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch slowInterrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(
                () -> {
                    throw new IllegalStateException("fails");
                },
                sleepsUntilInterrupted(slowStarted, slowInterrupted, "slow"),
                () -> "fast");
        assertEquals("fast", executor.invokeAny(tasks));
        assertNeverStartedOrInterrupted(slowStarted, slowInterrupted);
    }

    @Test
    void invokeAnyWhenEveryTaskFailsThrowsExecutionExceptionWithAFailure() {
        List<Callable<String>> tasks = List.of(
                () -> {
                    throw new IllegalStateException("a");
                },
                () -> {
                    throw new IllegalStateException("b");
                });
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor.invokeAny(tasks));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void timedInvokeAnyTimesOutAndCancelsTheTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(sleepsUntilInterrupted(started, interrupted, "late"));
        assertThrows(TimeoutException.class, () -> executor.invokeAny(tasks, 20, TimeUnit.MILLISECONDS));
        assertNeverStartedOrInterrupted(started, interrupted);
    }

    @Test
    void invokeAnyOfNoTasksIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> executor.invokeAny(List.of()));
    }

    // ----------------------------------------------------------------------------------------
    // Shutdown

    @Test
    void afterShutdownNewTasksAreRejectedAndAcceptedOnesFinish() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> accepted = executor.submit(() -> {
            release.await();
            return 5;
        });
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertFalse(executor.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> 1));
        assertFalse(executor.awaitTermination(10, TimeUnit.MILLISECONDS), "terminated while a task runs");
        release.countDown();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertEquals(5, accepted.resultNow());
    }

    @Test
    void shutdownOfAnIdleExecutorTerminatesIt() throws Exception {
        executor.submit(() -> 1).get(30, TimeUnit.SECONDS);
        executor.shutdown();
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
    }

    @Test
    void shutdownNowInterruptsRunningTasksAndReturnsOnlyTasksThatNeverStart() throws Exception {
        int blockers = 4;
        int extra = concurrency() == Integer.MAX_VALUE ? 4 : concurrency() - blockers + 6;
        CountDownLatch blockersStarted = new CountDownLatch(blockers);
        AtomicInteger interrupted = new AtomicInteger();
        Set<Integer> started = ConcurrentHashMap.newKeySet();
        List<Runnable> submitted = new ArrayList<>();
        for (int i = 0; i < blockers + extra; i++) {
            int n = i;
            Runnable task = () -> {
                started.add(n);
                blockersStarted.countDown();
                try {
                    sleepForever();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
            };
            submitted.add(task);
            executor.execute(task);
        }
        Latches.await("blocking tasks started", blockersStarted);
        List<Runnable> notStarted = executor.shutdownNow();
        assertTrue(executor.isShutdown());
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(blockers + extra, started.size() + notStarted.size(),
                "every task either started or was returned: started " + started.size() + ", returned " + notStarted.size());
        assertEquals(started.size(), interrupted.get(), "every started task was interrupted");
        for (Runnable r : notStarted) {
            assertFalse(started.contains(submitted.indexOf(r)), "a returned task also ran");
        }
        if (concurrency() != Integer.MAX_VALUE) {
            assertEquals(blockers + extra - concurrency(), notStarted.size(), "the queued tasks come back");
        }
    }

    @Test
    void closeWaitsForTheTasksThenTerminates() {
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            executor.execute(() -> {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                done.incrementAndGet();
            });
        }
        executor.close();
        assertTrue(executor.isTerminated());
        assertEquals(100, done.get());
    }

    @Test
    void submittersRacingShutdownEitherRunOrAreRejectedNeverLost() throws Exception {
        for (int round = 0; round < 30; round++) {
            ExecutorService e = round == 0 ? executor : newExecutor();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    Latches.await("go", go);
                    for (int i = 0; i < 200; i++) {
                        try {
                            e.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (RejectedExecutionException rejected) {
                            return;
                        }
                    }
                }));
            }
            go.countDown();
            Thread.yield();
            e.shutdown();
            for (Thread t : submitters) {
                t.join();
            }
            assertTrue(e.awaitTermination(30, TimeUnit.SECONDS), "round " + round + ": " + e);
            assertEquals(accepted.get(), ran.get(), "round " + round + ": accepted tasks that did not run");
        }
    }

    @Test
    void tasksWaitingOnEachOthersFuturesComplete() throws Exception {
        // A chain: each task waits for the future of the one submitted after it.
        int n = Math.min(concurrency(), 64);
        List<Future<Integer>> futures = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Future<Integer>[] next = new Future[n + 1];
        CountDownLatch allSubmitted = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(executor.submit(() -> {
                allSubmitted.await();
                return k == n - 1 ? 1 : next[k + 1].get() + 1;
            }));
            next[i] = futures.get(i);
        }
        allSubmitted.countDown();
        assertEquals(n, futures.get(0).get(60, TimeUnit.SECONDS));
    }
}
