package dev.weft.fiber.impl.sync;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Fiber.await}: the {@code Future.get} rules (result, ExecutionException with the cause,
 * CancellationException, TimeoutException), completion hooks for CompletableFutures and polling for
 * other futures, from fibers and threads, and many awaiting fibers that leave their carriers free.
 */
class FiberAwaitTest extends SyncTestSupport {

    @Test
    void futureCompletedLaterByAThreadWakesTheFiber() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        CompletableFuture<String> cf = new CompletableFuture<>();
        Fiber<String> f = start(s, () -> Fiber.await(cf));
        Await.state(f, Fiber.State.PARKED);
        Thread completer = Thread.ofPlatform().name("completer").start(() -> cf.complete("done"));
        assertEquals("done", f.get(Await.HANG));
        Await.joined(completer);
    }

    @Test
    void futureCompletedByAnotherFiber() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        Fiber<Integer> waiter = start(s, () -> Fiber.await(cf) + 1);
        Await.state(waiter, Fiber.State.PARKED);
        start(s, () -> cf.complete(41));
        assertEquals(42, waiter.get(Await.HANG));
    }

    @Test
    void completedFuturesReportAtOnce() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        assertEquals("x", start(s, () -> Fiber.await(CompletableFuture.completedFuture("x"))).get(Await.HANG));
        IOException cause = new IOException("boom");
        Throwable failure = start(s, () -> {
            try {
                Fiber.await(CompletableFuture.failedFuture(cause));
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }).get(Await.HANG);
        assertSame(cause, failure);
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);
        Throwable c = start(s, () -> {
            try {
                Fiber.await(cancelled);
                return null;
            } catch (CancellationException e) {
                return e;
            }
        }).get(Await.HANG);
        assertInstanceOf(CancellationException.class, c);
    }

    @Test
    void laterFailureAndCancellationAreReportedAsFutureGetDoes() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        CompletableFuture<String> failing = new CompletableFuture<>();
        Fiber<Throwable> f1 = start(s, () -> {
            try {
                Fiber.await(failing);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        });
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        Fiber<Throwable> f2 = start(s, () -> {
            try {
                Fiber.await((Future<String>) cancelled, Duration.ofSeconds(60));
                return null;
            } catch (CancellationException e) {
                return e;
            }
        });
        Await.state(f1, Fiber.State.PARKED);
        Await.state(f2, Fiber.State.PARKED);
        IllegalStateException cause = new IllegalStateException("later");
        failing.completeExceptionally(cause);
        cancelled.cancel(true);
        assertSame(cause, f1.get(Await.HANG));
        assertInstanceOf(CancellationException.class, f2.get(Await.HANG));
    }

    @Test
    void timedAwaitThrowsTimeoutException() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        CompletableFuture<String> never = new CompletableFuture<>();
        FutureTask<String> neverTask = new FutureTask<>(() -> "never run");
        for (Future<String> future : List.<Future<String>>of(never, neverTask)) {
            Throwable t = start(s, () -> {
                try {
                    Fiber.await(future, Duration.ofMillis(3));
                    return null;
                } catch (TimeoutException e) {
                    return e;
                }
            }).get(Await.HANG);
            assertInstanceOf(TimeoutException.class, t);
            assertThrows(TimeoutException.class, () -> Fiber.await(future, Duration.ZERO));
            assertThrows(TimeoutException.class, () -> Fiber.await(future, Duration.ofMillis(1)));
        }
        assertEquals("ok", Fiber.await((Future<String>) CompletableFuture.completedFuture("ok"), Duration.ZERO));
    }

    @Test
    void plainFutureTaskIsPolledUntilDone() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        CountDownLatch go = new CountDownLatch(1);
        FutureTask<String> task = new FutureTask<>(() -> "ran");
        FutureTask<String> failing = new FutureTask<>(() -> {
            throw new IOException("task failed");
        });
        Fiber<String> f = start(s, () -> Fiber.await(task));
        Fiber<Throwable> g = start(s, () -> {
            try {
                Fiber.await(failing);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        });
        Thread runner = Thread.ofPlatform().name("task-runner").start(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            task.run();
            failing.run();
        });
        Await.state(f, Fiber.State.PARKED);
        go.countDown();
        assertEquals("ran", f.get(Await.HANG));
        assertInstanceOf(IOException.class, g.get(Await.HANG));
        Await.joined(runner);
        FutureTask<String> cancelledTask = new FutureTask<>(() -> "x");
        cancelledTask.cancel(false);
        assertThrows(CancellationException.class, () -> Fiber.await(cancelledTask));
    }

    @Test
    void threadsAwaitToo() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Thread completer = Thread.ofPlatform().name("completer").start(() -> {
            Await.sleepQuietly(5); // so that the test thread is likely waiting; either order is correct
            cf.complete("from a thread");
        });
        assertEquals("from a thread", Fiber.await(cf));
        Await.joined(completer);
        FutureTask<Integer> task = new FutureTask<>(() -> 7);
        Thread runner = Thread.ofPlatform().name("runner").start(task);
        assertEquals(7, Fiber.await(task));
        Await.joined(runner);
    }

    @Test
    void interruptedAwaitThrowsAndClearsTheStatus() throws Exception {
        FiberScheduler s = scheduler("fifo(2)");
        for (Future<String> future : List.<Future<String>>of(new CompletableFuture<>(), new FutureTask<>(() -> "x"))) {
            Fiber<String> f = start(s, () -> {
                try {
                    Fiber.await(future);
                    return "returned";
                } catch (InterruptedException e) {
                    return Fiber.interrupted() ? "status kept" : "ok";
                }
            });
            Await.state(f, Fiber.State.PARKED);
            f.interrupt();
            assertEquals("ok", f.get(Await.HANG));
        }
        assertThrows(NullPointerException.class, () -> Fiber.await((Future<?>) null));
        assertThrows(NullPointerException.class, () -> Fiber.await(new CompletableFuture<>(), null));
    }

    /**
     * 10,000 fibers await futures that one thread completes later, on two carriers: every one of
     * them is seen {@code PARKED} (unmounted: its carrier is free) before any future completes, no
     * await pinned its carrier, and all finish with their results. The watchdog's stand-ins are
     * printed and bounded loosely: an await that blocked its carrier would make it add one for
     * each blocked carrier, while a loaded machine that deschedules a carrier for the watchdog's
     * 10 ms busy threshold adds one or two to a plain park/unpark run as well (measured here).
     */
    @Test
    void thousandsOfAwaitingFibersLeaveTheirCarriersFree() throws Exception {
        FiberScheduler s = scheduler("workStealing(2)");
        // Warm-up first: the first await in a fiber loads the provider, and its first park reads
        // the class files on its stack for the held-monitor check: one long task, once.
        CompletableFuture<Integer> warm = new CompletableFuture<>();
        FutureTask<Integer> warmTask = new FutureTask<>(() -> 0);
        Fiber<Integer> warmer = start(s, () -> Fiber.await(warm) + Fiber.await(warmTask));
        Await.state(warmer, Fiber.State.PARKED);
        warm.complete(0);
        Await.state(warmer, Fiber.State.PARKED);
        warmTask.run();
        assertEquals(0, warmer.get(Await.HANG));
        SchedulerStats before = s.stats();
        int n = 10_000;
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(new CompletableFuture<>());
        }
        FutureTask<Integer> polled = new FutureTask<>(() -> -1);
        List<Fiber<Integer>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Integer> cf = futures.get(i);
            fibers.add(start(s, () -> Fiber.await(cf)));
        }
        Fiber<Integer> poller = start(s, () -> Fiber.await(polled));
        for (Fiber<Integer> f : fibers) {
            Await.state(f, Fiber.State.PARKED);
        }
        AtomicBoolean completedAll = new AtomicBoolean();
        Thread completer = Thread.ofPlatform().name("completer").start(() -> {
            for (int i = n - 1; i >= 0; i--) {
                futures.get(i).complete(i);
            }
            polled.run();
            completedAll.set(true);
        });
        long sum = 0;
        for (Fiber<Integer> f : fibers) {
            sum += f.get(Await.HANG);
        }
        assertEquals(-1, poller.get(Await.HANG));
        Await.joined(completer);
        assertTrue(completedAll.get());
        assertEquals((long) n * (n - 1) / 2, sum);
        SchedulerStats after = s.stats();
        long standIns = after.compensationsTotal() - before.compensationsTotal();
        System.out.printf("FiberAwaitTest: %d fibers awaited on %d carriers; stand-ins started meanwhile: %d; pinned parks: %d%n",
                n, after.parallelism(), standIns, after.pinnedParks() - before.pinnedParks());
        assertEquals(before.pinnedParks(), after.pinnedParks(), "awaits pinned their carriers: " + after);
        assertTrue(standIns < 50, "carriers were blocked: " + standIns + " stand-ins, " + after);
    }
}
