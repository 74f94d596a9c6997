package dev.weft.fiber.impl;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.impl.core.StackfulContinuation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every Weft scheduler keeps, run against each implementation by a subclass.
 *
 * <p>Each test creates its own schedulers through {@link #scheduler(int)} and closes them
 * (explicitly where closing is what the test is about; otherwise {@link #closeSchedulers()}
 * does it with {@code shutdownNow}, so a failing test cannot leave fibers or carriers behind).
 *
 * <p>No assertion here depends on timing. Where a test has to wait it waits with a generous
 * bound ({@link Await#HANG}) whose only purpose is to turn a hang (a lost wake-up, a carrier
 * that never ends) into a failure with a message.
 */
abstract class SchedulerContractTest {

    /** A new scheduler of the implementation under test with {@code parallelism} carriers. */
    protected abstract FiberScheduler newScheduler(int parallelism);

    /** The carrier count most tests of this subclass run with. */
    protected abstract int parallelism();

    private final List<FiberScheduler> schedulers = new ArrayList<>();

    /** A scheduler with the subclass's default parallelism, closed after the test. */
    protected final FiberScheduler scheduler() {
        return scheduler(parallelism());
    }

    /** A scheduler with {@code parallelism} carriers, closed after the test. */
    protected final FiberScheduler scheduler(int parallelism) {
        FiberScheduler s = newScheduler(parallelism);
        schedulers.add(s);
        return s;
    }

    @AfterEach
    void closeSchedulers() throws InterruptedException {
        for (FiberScheduler s : schedulers) {
            s.shutdownNow();
        }
        for (FiberScheduler s : schedulers) {
            assertTrue(s.awaitTermination(Await.HANG), "scheduler did not terminate after shutdownNow: " + s.stats());
        }
    }

    private static <V> Fiber<V> start(FiberScheduler s, Callable<V> task) {
        return Fiber.builder().scheduler(s).start(task);
    }

    private static Fiber<Void> start(FiberScheduler s, Runnable task) {
        return Fiber.builder().scheduler(s).start(task);
    }

    /** Parks the current fiber until {@code flag} is set; tolerates spurious wake-ups. */
    private static void parkUntil(AtomicBoolean flag) {
        while (!flag.get()) {
            Fiber.park();
        }
    }

    /** The prefix of the names of this scheduler's carrier threads. */
    private static String carrierPrefix(FiberScheduler s) {
        return "weft-" + s.stats().name() + "-carrier-";
    }

    // ----------------------------------------------------------------------------------------
    // Results and exceptions

    @Test
    void resultReachesJoinAndGet() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Integer> f = start(s, () -> 6 * 7);
        Await.joined(f);
        assertEquals(Fiber.State.TERMINATED, f.state());
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals(42, f.get());
        assertEquals(42, f.get(Await.HANG), "get is repeatable");
    }

    @Test
    void runnableFiberHasNullResult() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean ran = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> ran.set(true));
        assertNull(f.get());
        assertTrue(ran.get());
    }

    @Test
    void checkedExceptionReachesGetAsExecutionExceptionCause() throws Exception {
        FiberScheduler s = scheduler();
        IOException thrown = new IOException("boom");
        Fiber<Object> f = start(s, () -> {
            throw thrown;
        });
        f.join(); // join reports termination only; it does not rethrow the task's exception
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(thrown, e.getCause());
        ExecutionException timed = assertThrows(ExecutionException.class, () -> f.get(Await.HANG));
        assertSame(thrown, timed.getCause());
        assertFalse(f.isCancelled());
    }

    @Test
    void errorAndRuntimeExceptionReachGet() throws Exception {
        FiberScheduler s = scheduler();
        AssertionError error = new AssertionError("error in fiber");
        IllegalStateException runtime = new IllegalStateException("runtime in fiber");
        Fiber<Object> f1 = start(s, () -> {
            throw error;
        });
        Fiber<Void> f2 = start(s, (Runnable) () -> {
            throw runtime;
        });
        assertSame(error, assertThrows(ExecutionException.class, f1::get).getCause());
        assertSame(runtime, assertThrows(ExecutionException.class, f2::get).getCause());
    }

    @Test
    void getWithTimeoutTimesOutThenReturnsResult() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            parkUntil(release);
            return "released";
        });
        assertThrows(TimeoutException.class, () -> f.get(Duration.ofMillis(20)));
        assertFalse(f.isDone());
        release.set(true);
        f.unpark();
        assertEquals("released", f.get(Await.HANG));
    }

    @Test
    void currentInsideFiberIsTheFiberAndNameIsKept() throws Exception {
        FiberScheduler s = scheduler();
        AtomicReference<Fiber<?>> seen = new AtomicReference<>();
        Fiber<String> f = Fiber.builder().scheduler(s).name("named-one").start(() -> {
            seen.set(Fiber.current());
            Fiber.yield();
            return Fiber.current().name();
        });
        assertEquals("named-one", f.get());
        assertSame(f, seen.get());
        assertSame(s, f.scheduler());
        Fiber<Void> g = start(s, () -> { });
        assertNotEquals(f.id(), g.id());
        assertTrue(g.id() > f.id(), "ids are given in order of creation");
    }

    // ----------------------------------------------------------------------------------------
    // Cancellation

    @Test
    void getOfCancelledFiberThrowsCancellationException() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<String> f = start(s, () -> {
            parkUntil(new AtomicBoolean());
            return "never";
        });
        Await.state(f, Fiber.State.PARKED);
        assertTrue(f.cancel());
        Await.joined(f);
        assertThrows(CancellationException.class, f::get);
        assertThrows(CancellationException.class, () -> f.get(Await.HANG));
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
    }

    @Test
    void cancellationOfParkedFiberRunsFinally() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean finallyRan = new AtomicBoolean();
        AtomicReference<Throwable> thrownAtPark = new AtomicReference<>();
        Fiber<Void> f = start(s, () -> {
            try {
                parkUntil(new AtomicBoolean());
            } catch (Throwable t) {
                thrownAtPark.set(t);
                throw t;
            } finally {
                finallyRan.set(true);
            }
        });
        Await.state(f, Fiber.State.PARKED);
        assertTrue(f.cancel());
        assertFalse(f.cancel(), "a second cancel reports that the fiber was already cancelled");
        f.join();
        assertTrue(finallyRan.get(), "finally block of the cancelled fiber did not run");
        assertInstanceOf(FiberCancelledException.class, thrownAtPark.get());
        assertEquals(Fiber.State.TERMINATED, f.state());
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void cancellationOfSleepingFiberRunsFinally() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean finallyRan = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> {
            try {
                Fiber.sleep(Duration.ofDays(1));
            } catch (InterruptedException e) {
                throw new AssertionError("cancel is not an interrupt", e);
            } finally {
                finallyRan.set(true);
            }
        });
        Await.state(f, Fiber.State.PARKED);
        assertTrue(f.cancel());
        Await.joined(f);
        assertTrue(finallyRan.get());
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void cancelAfterTerminationReturnsFalse() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Integer> f = start(s, () -> 1);
        assertEquals(1, f.get());
        assertFalse(f.cancel());
        assertFalse(f.isCancelled());
        assertEquals(1, f.get(), "a failed cancel does not change the result");
    }

    @Test
    void fiberCancelledBeforeItFirstRunsNeverRunsItsTask() throws Exception {
        FiberScheduler s = scheduler(1);
        AtomicBoolean occupied = new AtomicBoolean();
        AtomicBoolean releaseCarrier = new AtomicBoolean();
        // Holds the only carrier by spinning (not blocking), so the fiber below stays queued.
        Fiber<Void> hog = start(s, () -> {
            occupied.set(true);
            while (!releaseCarrier.get()) {
                Thread.onSpinWait();
            }
        });
        Await.until("the carrier to be occupied", occupied::get);
        AtomicBoolean taskRan = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> taskRan.set(true));
        assertEquals(Fiber.State.RUNNABLE, f.state());
        assertTrue(f.cancel());
        releaseCarrier.set(true);
        Await.joined(hog);
        Await.joined(f);
        assertFalse(taskRan.get(), "a fiber cancelled before it began running ran its task");
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void fiberThatSwallowsCancellationIsStillReportedCancelled() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean swallowed = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            try {
                parkUntil(new AtomicBoolean());
            } catch (FiberCancelledException e) {
                swallowed.set(true);
            }
            return "carried on";
        });
        Await.state(f, Fiber.State.PARKED);
        assertTrue(f.cancel());
        Await.joined(f);
        assertTrue(swallowed.get());
        assertTrue(f.isCancelled());
        assertThrows(CancellationException.class, f::get, "a cancelled fiber that returned a value still reports cancellation");
    }

    @Test
    void cancelledFiberThatNeverSuspendsRunsToCompletionButIsCancelled() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean running = new AtomicBoolean();
        AtomicBoolean release = new AtomicBoolean();
        AtomicBoolean completed = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            running.set(true);
            while (!release.get()) {
                Thread.onSpinWait(); // no suspension point: cancellation cannot interrupt this
            }
            completed.set(true);
            return "done";
        });
        Await.until("the fiber to run", running::get);
        assertTrue(f.cancel());
        release.set(true);
        Await.joined(f);
        assertTrue(completed.get());
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void cancelRacingWithUnparkAlwaysEndsTheFiberAndRunsFinallyOnce() throws Exception {
        FiberScheduler s = scheduler();
        int rounds = 1_000;
        AtomicInteger finallyRuns = new AtomicInteger();
        for (int round = 0; round < rounds; round++) {
            AtomicBoolean started = new AtomicBoolean();
            Fiber<Void> f = start(s, () -> {
                started.set(true);
                try {
                    for (int i = 0; ; i++) {
                        if ((i & 1) == 0) {
                            Fiber.park();
                        } else {
                            Fiber.yield();
                        }
                    }
                } finally {
                    finallyRuns.incrementAndGet();
                }
            });
            Fiber<Void> unparker = start(s, () -> {
                for (int i = 0; i < 20; i++) {
                    f.unpark();
                    Fiber.yield();
                }
            });
            Await.until("round " + round + " to start", started::get);
            f.cancel();
            if (!f.join(Await.HANG)) {
                fail("round " + round + ": cancelled fiber did not end, state " + f.state());
            }
            Await.joined(unparker);
            assertThrows(CancellationException.class, f::get);
        }
        assertEquals(rounds, finallyRuns.get());
    }

    // ----------------------------------------------------------------------------------------
    // Yield

    @Test
    void yieldInterleavesTwoFibersOnOneCarrier() throws Exception {
        FiberScheduler s = scheduler(1);
        int rounds = 50;
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger arrived = new AtomicInteger();
        Callable<Void> body = () -> {
            // Wait (yielding) until both fibers are runnable, so that from here on each
            // yield has exactly one other fiber to hand the carrier to.
            arrived.incrementAndGet();
            while (arrived.get() < 2) {
                Fiber.yield();
            }
            String me = Fiber.current().name();
            for (int i = 0; i < rounds; i++) {
                trace.add(me);
                Fiber.yield();
            }
            return null;
        };
        Fiber<Void> a = Fiber.builder().scheduler(s).name("A").start(body);
        Fiber<Void> b = Fiber.builder().scheduler(s).name("B").start(body);
        a.get();
        b.get();
        assertEquals(2 * rounds, trace.size());
        List<String> snapshot = List.copyOf(trace);
        // The last entries may be one fiber alone once the other has finished its loop.
        for (int i = 1; i < snapshot.size() - 1; i++) {
            assertNotEquals(snapshot.get(i - 1), snapshot.get(i),
                    "yield did not hand the carrier to the other fiber at step " + i + ": " + snapshot);
        }
        assertEquals(rounds, Collections.frequency(snapshot, "A"));
    }

    @Test
    void yieldKeepsLocalStateAndCompletes() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Long> f = start(s, () -> {
            long sum = 0;
            for (int i = 0; i < 10_000; i++) {
                sum += i;
                Fiber.yield();
            }
            return sum;
        });
        assertEquals(10_000L * 9_999 / 2, f.get());
    }

    // ----------------------------------------------------------------------------------------
    // Park and unpark

    @Test
    void unparkBeforeParkIsNotLost() throws Exception {
        FiberScheduler s = scheduler();
        int iterations = 2_000;
        for (int i = 0; i < iterations; i++) {
            AtomicBoolean unparked = new AtomicBoolean();
            Fiber<Void> f = start(s, () -> {
                while (!unparked.get()) {
                    Fiber.yield();
                }
                // The permit was granted while this fiber was running; this park must return.
                Fiber.park();
            });
            f.unpark();
            unparked.set(true);
            if (!f.join(Await.HANG)) {
                fail("iteration " + i + ": park after unpark did not return (permit lost), state " + f.state());
            }
        }
    }

    @Test
    void unparkOfANewFiberIsKeptForItsFirstPark() throws Exception {
        FiberScheduler s = scheduler();
        for (int i = 0; i < 1_000; i++) {
            Fiber<Void> f = Fiber.builder().scheduler(s).unstarted((Runnable) Fiber::park);
            f.unpark();
            f.start();
            if (!f.join(Await.HANG)) {
                fail("iteration " + i + ": an unpark before start was lost, state " + f.state());
            }
        }
    }

    @Test
    void tokenPassingBetweenTwoFibers() throws Exception {
        FiberScheduler s = scheduler();
        int passes = 10_000;
        AtomicInteger turn = new AtomicInteger(); // 0: fiber 0's turn, 1: fiber 1's turn
        Fiber<Void>[] fibers = newFiberArray(2);
        for (int me = 0; me < 2; me++) {
            int self = me;
            // Both are created before either starts, so each can reach the other from the start.
            fibers[me] = Fiber.builder().scheduler(s).unstarted(() -> {
                for (int i = 0; i < passes; i++) {
                    while (turn.get() != self) {
                        Fiber.park();
                    }
                    turn.set(1 - self);
                    fibers[1 - self].unpark();
                }
            });
        }
        fibers[0].start();
        fibers[1].start();
        Await.joined(fibers[0]);
        Await.joined(fibers[1]);
        fibers[0].get();
        fibers[1].get();
    }

    @Test
    void pingPongWithAPlainThread() throws Exception {
        FiberScheduler s = scheduler();
        int roundTrips = 10_000;
        Thread main = Thread.currentThread();
        AtomicInteger turn = new AtomicInteger(); // 0: the test thread, 1: the fiber
        Fiber<Void> f = start(s, () -> {
            for (int i = 0; i < roundTrips; i++) {
                while (turn.get() != 1) {
                    Fiber.park();
                }
                turn.set(0);
                LockSupport.unpark(main);
            }
        });
        long deadline = System.nanoTime() + Await.HANG.toNanos();
        for (int i = 0; i < roundTrips; i++) {
            turn.set(1);
            f.unpark(); // from a plain thread
            while (turn.get() != 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                if (System.nanoTime() - deadline > 0) {
                    fail("round trip " + i + " hung; fiber state " + f.state());
                }
            }
        }
        f.get();
    }

    @Test
    void manyUnparkersOfOneFiber() throws Exception {
        FiberScheduler s = scheduler();
        int rounds = 1_000;
        int fiberUnparkers = 3;
        for (int round = 0; round < rounds; round++) {
            AtomicInteger arrivals = new AtomicInteger();
            int expected = fiberUnparkers + 1;
            Fiber<Void> target = start(s, () -> {
                while (arrivals.get() < expected) {
                    Fiber.park();
                }
            });
            for (int u = 0; u < fiberUnparkers; u++) {
                start(s, () -> {
                    arrivals.incrementAndGet();
                    target.unpark();
                });
            }
            arrivals.incrementAndGet();
            target.unpark(); // the test thread is one more unparker
            if (!target.join(Await.HANG)) {
                fail("round " + round + ": target missed a wake-up, arrivals " + arrivals.get()
                        + ", state " + target.state());
            }
        }
    }

    @Test
    void interruptRacingWithUnparkIsNeverLost() throws Exception {
        FiberScheduler s = scheduler();
        for (int round = 0; round < 1_000; round++) {
            Fiber<Boolean> f = start(s, () -> {
                while (!Fiber.current().isInterrupted()) {
                    Fiber.park();
                }
                return Fiber.interrupted();
            });
            Fiber<Void> unparker = start(s, () -> {
                for (int i = 0; i < 5; i++) {
                    f.unpark();
                    Fiber.yield();
                }
            });
            f.interrupt();
            Boolean seen = f.get(Await.HANG);
            assertTrue(seen, "round " + round);
            Await.joined(unparker);
        }
    }

    @Test
    void timedParksRacingWithUnparksAllReturn() throws Exception {
        FiberScheduler s = scheduler();
        int fibers = 200;
        AtomicInteger arrivals = new AtomicInteger();
        List<Fiber<Void>> parkers = new ArrayList<>();
        for (int i = 0; i < fibers; i++) {
            parkers.add(start(s, () -> {
                for (int k = 0; k < 50; k++) {
                    Fiber.parkNanos(TimeUnit.MICROSECONDS.toNanos(1 + ThreadLocalRandom.current().nextInt(500)));
                }
                arrivals.incrementAndGet();
            }));
        }
        Thread unparker = Thread.ofPlatform().name("timed-park-unparker").start(() -> {
            while (arrivals.get() < fibers) {
                parkers.get(ThreadLocalRandom.current().nextInt(fibers)).unpark();
            }
        });
        Await.joinedAll(parkers);
        Await.joined(unparker);
        assertEquals(fibers, arrivals.get());
    }

    @Test
    void timedParkReturnsWithoutUnpark() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Void> f = start(s, () -> {
            for (int i = 0; i < 20; i++) {
                Fiber.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        });
        f.get(Await.HANG);
    }

    // ----------------------------------------------------------------------------------------
    // Sleep and join

    @Test
    void sleepersWakeInDeadlineOrder() throws Exception {
        FiberScheduler s = scheduler();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        // Deadlines are measured from one base instant so that the order does not depend on
        // how quickly the three fibers get going.
        long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int millis : new int[] {30, 20, 10}) {
            fibers.add(start(s, () -> {
                long wake = base + TimeUnit.MILLISECONDS.toNanos(millis);
                try {
                    Fiber.sleep(Duration.ofNanos(Math.max(0, wake - System.nanoTime())));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                order.add(millis);
            }));
        }
        Await.joinedAll(fibers);
        assertEquals(List.of(10, 20, 30), order);
    }

    @Test
    void tenThousandSleepersWithRandomDeadlinesAllWake() throws Exception {
        FiberScheduler s = scheduler();
        int n = 10_000;
        AtomicInteger woke = new AtomicInteger();
        List<Fiber<Void>> fibers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                try {
                    Fiber.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextInt(50)));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                woke.incrementAndGet();
            }));
        }
        Await.joinedAll(fibers);
        assertEquals(n, woke.get());
    }

    @Test
    void sleepLastsAtLeastItsDuration() throws Exception {
        FiberScheduler s = scheduler();
        // A lower bound, not a timing assertion: waking early would break Fiber.sleep's contract.
        Fiber<Long> f = start(s, () -> {
            long t0 = System.nanoTime();
            Fiber.sleep(Duration.ofMillis(15));
            return System.nanoTime() - t0;
        });
        assertTrue(f.get(Await.HANG) >= TimeUnit.MILLISECONDS.toNanos(15), "woke after " + f.get() + " ns");
    }

    @Test
    void sleepOfZeroReturns() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Void> f = start(s, () -> {
            try {
                Fiber.sleep(Duration.ZERO);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        f.get(Await.HANG);
    }

    @Test
    void joinWithTimeoutReturnsFalseFromThreadAndFromFiber() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Void> parked = start(s, () -> parkUntil(release));
        assertFalse(parked.join(Duration.ofMillis(20)), "join from a thread timed out, yet returned true");
        Fiber<Boolean> joiner = start(s, () -> parked.join(Duration.ofMillis(20)));
        assertFalse(joiner.get(), "join from a fiber timed out, yet returned true");
        assertFalse(parked.isDone());
        release.set(true);
        parked.unpark();
        assertTrue(parked.join(Await.HANG));
        assertTrue(parked.join(Duration.ZERO), "join of a terminated fiber returns true at once");
    }

    @Test
    void fiberJoinsAnotherFiber() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Integer> inner = start(s, () -> {
            parkUntil(release);
            return 5;
        });
        Fiber<Integer> outer = start(s, () -> {
            inner.join();
            return inner.get() + 1;
        });
        Await.state(outer, Fiber.State.PARKED);
        release.set(true);
        inner.unpark();
        assertEquals(6, outer.get(Await.HANG));
    }

    @Test
    void manyJoinersOfOneFiberAllWake() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Integer> target = start(s, () -> {
            parkUntil(release);
            return 3;
        });
        List<Fiber<Integer>> joiners = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            joiners.add(start(s, () -> target.get()));
        }
        release.set(true);
        target.unpark();
        for (Fiber<Integer> j : joiners) {
            assertEquals(3, j.get(Await.HANG));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Interruption and the uncaught-exception handler

    @Test
    void interruptWakesSleepingFiberWithInterruptedException() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<String> f = start(s, () -> {
            try {
                Fiber.sleep(Duration.ofDays(1));
                return "slept a day";
            } catch (InterruptedException e) {
                return "interrupted, status now " + Fiber.interrupted();
            }
        });
        Await.state(f, Fiber.State.PARKED);
        f.interrupt();
        assertEquals("interrupted, status now false", f.get(Await.HANG));
    }

    @Test
    void interruptBeforeSleepMakesSleepThrowAtOnce() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean interrupted = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            while (!interrupted.get()) {
                Fiber.yield();
            }
            boolean statusBefore = Fiber.current().isInterrupted();
            try {
                Fiber.sleep(Duration.ofDays(1));
                return "slept";
            } catch (InterruptedException e) {
                return "status " + statusBefore + ", cleared " + !Fiber.current().isInterrupted();
            }
        });
        f.interrupt();
        interrupted.set(true);
        assertEquals("status true, cleared true", f.get(Await.HANG));
    }

    @Test
    void interruptWakesJoiningFiber() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Void> forever = start(s, () -> parkUntil(new AtomicBoolean()));
        Fiber<String> joiner = start(s, () -> {
            try {
                forever.join();
                return "joined";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        Await.state(joiner, Fiber.State.PARKED);
        joiner.interrupt();
        assertEquals("interrupted", joiner.get(Await.HANG));
        assertFalse(forever.isDone());
    }

    @Test
    void interruptOfParkedFiberWakesItAndLeavesStatusSet() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Boolean> f = start(s, () -> {
            while (!Fiber.current().isInterrupted()) {
                Fiber.park();
            }
            return Fiber.interrupted() && !Fiber.interrupted();
        });
        Await.state(f, Fiber.State.PARKED);
        f.interrupt();
        assertTrue(f.get(Await.HANG), "park does not clear the interrupt status; interrupted() clears it once");
    }

    @Test
    void uncaughtExceptionHandlerIsCalledBeforeJoinReturns() throws Exception {
        FiberScheduler s = scheduler();
        AtomicReference<Fiber<?>> handledFiber = new AtomicReference<>();
        AtomicReference<Throwable> handledError = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        RuntimeException boom = new RuntimeException("uncaught in fiber");
        Fiber<Void> f = Fiber.builder().scheduler(s)
                .uncaughtExceptionHandler((fiber, error) -> {
                    calls.incrementAndGet();
                    handledFiber.set(fiber);
                    handledError.set(error);
                })
                .start(() -> {
                    throw boom;
                });
        f.join();
        // Documented: the handler runs before joiners wake, so no waiting is needed here.
        assertEquals(1, calls.get());
        assertSame(f, handledFiber.get());
        assertSame(boom, handledError.get());
        assertSame(boom, assertThrows(ExecutionException.class, f::get).getCause());
    }

    @Test
    void joinArrivingWhileTheHandlerRunsWaitsForIt() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean inHandler = new AtomicBoolean();
        AtomicBoolean joinReturned = new AtomicBoolean();
        AtomicBoolean handlerSawJoinReturn = new AtomicBoolean();
        AtomicBoolean handlerDone = new AtomicBoolean();
        Fiber<Void> f = Fiber.builder().scheduler(s)
                .uncaughtExceptionHandler((fiber, error) -> {
                    inHandler.set(true);
                    // Give a joiner that arrives now time to (wrongly) return; a correct join
                    // waits, so this bound runs out and the test passes whatever the timing.
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                    while (!joinReturned.get() && System.nanoTime() - deadline < 0) {
                        Thread.onSpinWait();
                    }
                    handlerSawJoinReturn.set(joinReturned.get());
                    handlerDone.set(true);
                })
                .start(() -> {
                    throw new IllegalStateException("to the handler");
                });
        Await.until("the handler to start", inHandler::get);
        f.join();
        joinReturned.set(true);
        Await.until("the handler to return", handlerDone::get);
        assertFalse(handlerSawJoinReturn.get(),
                "join() returned while the uncaught-exception handler was still running (documented: handler runs before joiners wake)");
        assertThrows(ExecutionException.class, f::get);
    }

    @Test
    void handlerThatThrowsDoesNotHurtTheScheduler() throws Exception {
        FiberScheduler s = scheduler(1);
        IllegalStateException original = new IllegalStateException("original");
        Fiber<Void> f = Fiber.builder().scheduler(s)
                .uncaughtExceptionHandler((fiber, error) -> {
                    throw new IllegalArgumentException("handler failure");
                })
                .start(() -> {
                    throw original;
                });
        assertSame(original, assertThrows(ExecutionException.class, f::get).getCause());
        assertEquals(7, start(s, () -> 7).get(Await.HANG), "the carrier survives a throwing handler");
    }

    @Test
    void uncaughtExceptionHandlerIsNotCalledOnSuccess() throws Exception {
        FiberScheduler s = scheduler();
        AtomicInteger calls = new AtomicInteger();
        Fiber<Integer> f = Fiber.builder().scheduler(s)
                .uncaughtExceptionHandler((fiber, error) -> calls.incrementAndGet())
                .start(() -> 1);
        assertEquals(1, f.get());
        assertEquals(0, calls.get());
    }

    // ----------------------------------------------------------------------------------------
    // Scale

    /**
     * 100,000 fibers yielding; 100 yields each under {@code -Pstress}, 10 by default: every yield
     * walks the fiber's stack for held monitors (about 1.5 us, see docs/internals.md), so the
     * 10 million yields of the stress run take a quarter of a minute of CPU on their own.
     */
    @Test
    void hundredThousandFibersYieldingRepeatedlyAllComplete() throws Exception {
        FiberScheduler s = scheduler();
        int fiberCount = 100_000;
        int yields = Boolean.getBoolean("weft.stress") ? 100 : 10;
        LongAdder yieldsDone = new LongAdder();
        AtomicInteger completed = new AtomicInteger();
        Runnable body = () -> {
            for (int i = 0; i < yields; i++) {
                Fiber.yield();
                yieldsDone.increment();
            }
            completed.incrementAndGet();
        };
        List<Fiber<Void>> fibers = new ArrayList<>(fiberCount);
        for (int i = 0; i < fiberCount; i++) {
            fibers.add(start(s, body));
        }
        Await.joinedAll(fibers);
        assertEquals(fiberCount, completed.get());
        assertEquals((long) fiberCount * yields, yieldsDone.sum());
        for (Fiber<Void> f : fibers) {
            assertEquals(Fiber.State.TERMINATED, f.state());
        }
    }

    // ----------------------------------------------------------------------------------------
    // Life cycle

    @Test
    void shutdownLetsStartedFibersFinish() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<String> parked = start(s, () -> {
            parkUntil(release);
            Fiber.yield();
            Fiber.sleep(Duration.ofMillis(5));
            return "finished after shutdown";
        });
        Fiber<Integer> busy = start(s, () -> {
            int n = 0;
            for (int i = 0; i < 1_000; i++) {
                Fiber.yield();
                n++;
            }
            return n;
        });
        Await.state(parked, Fiber.State.PARKED);
        s.shutdown();
        assertTrue(s.isShutdown());
        assertFalse(s.isTerminated(), "terminated although a started fiber is still parked");
        release.set(true);
        parked.unpark();
        assertTrue(s.awaitTermination(Await.HANG));
        assertTrue(s.isTerminated());
        assertEquals("finished after shutdown", parked.get());
        assertEquals(1_000, busy.get());
    }

    @Test
    void closeWaitsForRunningFibers() {
        FiberScheduler s = scheduler();
        int n = 20;
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            start(s, () -> {
                try {
                    Fiber.sleep(Duration.ofMillis(20));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                Fiber.yield();
                finished.incrementAndGet();
            });
        }
        s.close();
        assertEquals(n, finished.get(), "close returned before the fibers it had accepted finished");
        assertTrue(s.isTerminated());
    }

    @Test
    void shutdownNowCancelsParkedFibersAndRunsTheirFinally() throws Exception {
        FiberScheduler s = scheduler();
        int n = 20;
        AtomicInteger finallyRuns = new AtomicInteger();
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fibers.add(start(s, () -> {
                try {
                    parkUntil(new AtomicBoolean());
                } finally {
                    finallyRuns.incrementAndGet();
                }
            }));
        }
        for (Fiber<Void> f : fibers) {
            Await.state(f, Fiber.State.PARKED);
        }
        s.shutdownNow();
        assertTrue(s.isShutdown());
        assertTrue(s.awaitTermination(Await.HANG), "shutdownNow left the scheduler running");
        assertEquals(n, finallyRuns.get());
        for (Fiber<Void> f : fibers) {
            assertTrue(f.isCancelled());
            assertThrows(CancellationException.class, f::get);
        }
    }

    @Test
    void shutdownNowCancelsSleepingFibers() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean finallyRan = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> {
            try {
                Fiber.sleep(Duration.ofDays(1));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                finallyRan.set(true);
            }
        });
        Await.state(f, Fiber.State.PARKED);
        s.shutdownNow();
        assertTrue(s.awaitTermination(Await.HANG));
        assertTrue(finallyRan.get());
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void noCarrierThreadIsAliveAfterClose() throws Exception {
        FiberScheduler s = scheduler();
        String prefix = carrierPrefix(s);
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fibers.add(start(s, () -> {
                Fiber.yield();
                try {
                    Fiber.sleep(Duration.ofMillis(1));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        Await.joinedAll(fibers);
        assertFalse(Await.liveThreadsNamed(prefix).isEmpty(),
                "no live thread named " + prefix + "*: the naming convention of carriers changed");
        s.close();
        assertTrue(s.isTerminated());
        List<Thread> alive = Await.liveThreadsNamed(prefix);
        assertTrue(alive.isEmpty(), "carrier threads alive after close:\n" + Await.describeThreads(prefix));
    }

    @Test
    void idleSchedulerWithNoFibersClosesCleanly() throws Exception {
        FiberScheduler s = scheduler();
        s.close();
        assertTrue(s.isShutdown());
        assertTrue(s.isTerminated());
        assertTrue(Await.liveThreadsNamed(carrierPrefix(s)).isEmpty());
        assertTrue(s.awaitTermination(Duration.ZERO));
    }

    @Test
    void fiberStartedFromAFiberAfterShutdownIsRejected() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Object> f = start(s, () -> {
            parkUntil(release);
            try {
                return Fiber.builder().scheduler(s).start(() -> 1);
            } catch (RejectedExecutionException e) {
                return e;
            }
        });
        Await.state(f, Fiber.State.PARKED);
        s.shutdown();
        release.set(true);
        f.unpark();
        assertInstanceOf(RejectedExecutionException.class, f.get(Await.HANG));
        assertTrue(s.awaitTermination(Await.HANG));
    }

    @Test
    void shutdownNowCancelsYieldingFibers() throws Exception {
        FiberScheduler s = scheduler();
        AtomicInteger finallyRuns = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fibers.add(start(s, () -> {
                started.incrementAndGet();
                try {
                    while (true) {
                        Fiber.yield();
                    }
                } finally {
                    finallyRuns.incrementAndGet();
                }
            }));
        }
        // Only fibers that began running have a finally to run; wait for all of them.
        Await.until("all ten fibers to run", () -> started.get() == 10);
        s.shutdownNow();
        assertTrue(s.awaitTermination(Await.HANG), "yielding fibers kept the scheduler alive after shutdownNow");
        assertEquals(10, finallyRuns.get());
        for (Fiber<Void> f : fibers) {
            assertThrows(CancellationException.class, f::get);
        }
    }

    @Test
    void noThreadOfTheSchedulerIsAliveAfterCloseEvenAfterCompensation() throws Exception {
        FiberScheduler s = scheduler();
        String prefix = "weft-" + s.stats().name() + "-";
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fibers.add(start(s, () -> {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        Await.joinedAll(fibers);
        s.close();
        assertTrue(Await.liveThreadsNamed(prefix).isEmpty(),
                "threads of the scheduler alive after close:\n" + Await.describeThreads(prefix));
    }

    @Test
    void compensatingCarriersRetireWhenIdle() throws Exception {
        FiberScheduler s = scheduler();
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fibers.add(start(s, () -> {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        Await.joinedAll(fibers);
        assertTrue(s.stats().compensationsTotal() > 0, s.stats().toString());
        Await.until("compensating carriers to retire (" + s.stats() + ")", () -> s.stats().compensating() == 0);
        Await.until("the carrier count to return to the parallelism (" + s.stats() + ")",
                () -> s.stats().carriers() <= parallelism());
    }

    @Test
    void plainTaskThatThrowsDoesNotKillItsCarrier() throws Exception {
        FiberScheduler s = scheduler(1);
        for (int i = 0; i < 3; i++) {
            s.execute(() -> {
                throw new IllegalStateException("plain task failure (expected by the test)");
            });
        }
        assertEquals(3, start(s, () -> 3).get(Await.HANG));
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        s.execute(() -> ran.complete(true));
        assertTrue(ran.get(Await.HANG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void deepStackSurvivesSuspensionAndStackOverflowReachesGet() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Integer> deep = start(s, () -> recurseThenYield(2_000));
        assertEquals(2_000, deep.get(Await.HANG));
        Fiber<Integer> overflow = start(s, () -> recurseForever(0));
        ExecutionException e = assertThrows(ExecutionException.class, () -> overflow.get(Await.HANG));
        assertInstanceOf(StackOverflowError.class, e.getCause());
        assertEquals(1, start(s, () -> 1).get(Await.HANG), "the scheduler still runs fibers after an overflow");
    }

    private static int recurseThenYield(int depth) {
        if (depth == 0) {
            Fiber.yield();
            Fiber.parkNanos(1_000);
            return 0;
        }
        return 1 + recurseThenYield(depth - 1);
    }

    private static int recurseForever(int depth) {
        return 1 + recurseForever(depth + 1);
    }

    @Test
    void executeAndStartAfterShutdownAreRejected() {
        FiberScheduler s = scheduler();
        s.shutdown();
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> start(s, () -> 1));
        Fiber<Integer> unstarted = Fiber.builder().scheduler(s).unstarted(() -> 1);
        assertThrows(RejectedExecutionException.class, unstarted::start);
    }

    @Test
    void plainTasksRunOnCarriersOutsideAnyFiber() throws Exception {
        FiberScheduler s = scheduler();
        CompletableFuture<String> threadName = new CompletableFuture<>();
        CompletableFuture<Fiber<?>> current = new CompletableFuture<>();
        s.execute(() -> {
            threadName.complete(Thread.currentThread().getName());
            current.complete(Fiber.current());
        });
        assertTrue(threadName.get(Await.HANG.toSeconds(), TimeUnit.SECONDS).startsWith(carrierPrefix(s)),
                threadName.get());
        assertNull(current.get(), "a plain task is not a fiber");
        assertThrows(NullPointerException.class, () -> s.execute(null));
    }

    @Test
    void stateTransitionsObservedFromOutside() throws Exception {
        FiberScheduler s = scheduler(1);
        AtomicBoolean hogRunning = new AtomicBoolean();
        AtomicBoolean releaseHog = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean();
        AtomicBoolean proceed = new AtomicBoolean();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Void> f = Fiber.builder().scheduler(s).unstarted(() -> {
            running.set(true);
            while (!proceed.get()) {
                Thread.onSpinWait(); // stays mounted, so the state seen outside is RUNNING
            }
            parkUntil(release);
        });
        assertEquals(Fiber.State.NEW, f.state());

        Fiber<Void> hog = start(s, () -> {
            hogRunning.set(true);
            while (!releaseHog.get()) {
                Thread.onSpinWait();
            }
        });
        Await.until("the hog fiber to occupy the only carrier", hogRunning::get);
        f.start();
        assertEquals(Fiber.State.RUNNABLE, f.state(), "started fiber waiting for the busy carrier");

        releaseHog.set(true);
        Await.until("the fiber to run", running::get);
        assertEquals(Fiber.State.RUNNING, f.state());
        proceed.set(true);
        Await.state(f, Fiber.State.PARKED);
        release.set(true);
        f.unpark();
        Await.joined(f);
        assertEquals(Fiber.State.TERMINATED, f.state());
        Await.joined(hog);
    }

    @Test
    void statsDescribeTheScheduler() throws Exception {
        FiberScheduler s = scheduler();
        for (int i = 0; i < 10; i++) {
            start(s, (Runnable) Fiber::yield).get();
        }
        // 10 fibers that yield once are at least 20 task runs. A carrier counts a run when it
        // ends, which can be just after get() returned, so the count is awaited, not read once.
        Await.until("tasksRun >= 20 (last seen " + s.stats() + ")", () -> s.stats().tasksRun() >= 20);
        SchedulerStats stats = s.stats();
        assertEquals(parallelism(), stats.parallelism());
        assertTrue(stats.carriers() >= 1 && stats.carriers() <= parallelism() + stats.compensating(), stats.toString());
        assertTrue(stats.name() != null && !stats.name().isEmpty());
        assertNotEquals(stats.name(), newNamedPeer().stats().name(), "two schedulers share a name");
    }

    private FiberScheduler newNamedPeer() {
        return scheduler(1);
    }

    // ----------------------------------------------------------------------------------------
    // Monitors, foreign blocking and pinning

    /** How a fiber suspends inside the monitor in {@link #monitorExclusion}. */
    private enum Suspension { YIELD, SLEEP, PARK_UNPARKED }

    /** A plain (non-volatile, non-atomic) counter: only mutual exclusion keeps its updates. */
    private static final class PlainCounter {
        int value;
    }

    /**
     * {@code fibers} fibers each enter {@code monitor} {@code rounds} times and suspend inside it
     * ({@code how}); asserts that at most one fiber is ever inside, that no update of a plain
     * field written inside is lost, and that every fiber finishes. With {@code inflate}, the
     * monitor is inflated first (a {@code wait} does it), the case in which the JVM records the
     * carrier thread as the owner.
     */
    private void monitorExclusion(int carriers, int fibers, int rounds, Suspension how, boolean inflate) throws Exception {
        FiberScheduler s = scheduler(carriers);
        Object monitor = new Object();
        if (inflate) {
            synchronized (monitor) {
                monitor.wait(1);
            }
        }
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        PlainCounter counter = new PlainCounter();
        List<Fiber<Void>> all = new ArrayList<>();
        for (int i = 0; i < fibers; i++) {
            all.add(start(s, () -> {
                for (int r = 0; r < rounds; r++) {
                    synchronized (monitor) {
                        int now = inside.incrementAndGet();
                        mostInside.accumulateAndGet(now, Math::max);
                        int before = counter.value;
                        suspendOnce(how);
                        counter.value = before + 1;
                        inside.decrementAndGet();
                    }
                    if (r % 2 == 0) {
                        Fiber.yield(); // outside the monitor: lets the fiber migrate between rounds
                    }
                }
            }));
        }
        Await.joinedAll(all);
        for (Fiber<Void> f : all) {
            f.get();
        }
        String what = fibers + " fibers x " + rounds + " rounds, " + how + (inflate ? ", inflated" : "")
                + " on " + carriers + " carrier(s): " + s.stats();
        assertEquals(1, mostInside.get(), "fibers inside the monitor at once, " + what);
        synchronized (monitor) {
            assertEquals(fibers * rounds, counter.value, "updates lost inside the monitor, " + what);
        }
        assertMonitorFree(monitor);
    }

    private static void suspendOnce(Suspension how) {
        switch (how) {
            case YIELD -> Fiber.yield();
            case SLEEP -> {
                try {
                    Fiber.sleep(Duration.ofMillis(1));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            case PARK_UNPARKED -> {
                Fiber<?> me = Fiber.current();
                Thread.ofPlatform().daemon(true).start(me::unpark);
                Fiber.park(); // a spurious early return is allowed and harmless here
            }
        }
    }

    /** A fresh platform thread can enter {@code monitor}: no fiber left it held. */
    private static void assertMonitorFree(Object monitor) throws InterruptedException {
        AtomicBoolean entered = new AtomicBoolean();
        Thread t = Thread.ofPlatform().daemon(true).start(() -> {
            synchronized (monitor) {
                entered.set(true);
            }
        });
        t.join(Await.HANG.toMillis());
        assertTrue(entered.get(), "the monitor is still held after every fiber left it: " + t.getState());
    }

    @Test
    void fibersYieldingInsideOneMonitorExcludeEachOther() throws Exception {
        for (int round = 0; round < 5; round++) {
            for (boolean inflate : new boolean[]{false, true}) {
                monitorExclusion(1, 8, 20, Suspension.YIELD, inflate);
                monitorExclusion(parallelism(), 60, 10, Suspension.YIELD, inflate);
            }
        }
    }

    @Test
    void fibersSleepingInsideOneMonitorExcludeEachOther() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (boolean inflate : new boolean[]{false, true}) {
                monitorExclusion(1, 8, 3, Suspension.SLEEP, inflate);
                monitorExclusion(parallelism(), 60, 2, Suspension.SLEEP, inflate);
            }
        }
    }

    @Test
    void fibersParkedInsideOneMonitorExcludeEachOther() throws Exception {
        for (int round = 0; round < 3; round++) {
            monitorExclusion(parallelism(), 60, 3, Suspension.PARK_UNPARKED, round % 2 == 0);
        }
    }

    @Test
    void manyFibersSleepingInsideOneContendedMonitorAllFinish() throws Exception {
        monitorExclusion(2, 300, 1, Suspension.SLEEP, true);
    }

    /** A shared account whose methods are {@code synchronized} and suspend inside a nested monitor. */
    private static final class Account {
        private final Object audit = new Object();
        private int balance;
        private int audited;
        private final AtomicInteger insideAudit = new AtomicInteger();
        private volatile boolean overlap;

        synchronized void deposit(int amount) {
            int b = balance;
            Fiber.yield();
            synchronized (audit) {
                if (insideAudit.incrementAndGet() > 1) {
                    overlap = true;
                }
                int a = audited;
                try {
                    Fiber.sleep(Duration.ofNanos(1));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                audited = a + 1;
                insideAudit.decrementAndGet();
            }
            balance = b + amount;
        }

        /** Enters only the inner monitor, so exclusion there is tested against two kinds of holder. */
        void auditOnly() {
            synchronized (audit) {
                if (insideAudit.incrementAndGet() > 1) {
                    overlap = true;
                }
                int a = audited;
                Fiber.yield();
                audited = a + 1;
                insideAudit.decrementAndGet();
            }
        }
    }

    @Test
    void nestedMonitorsAndSynchronizedMethodsKeepExclusionAcrossSuspension() throws Exception {
        for (int round = 0; round < 5; round++) {
            FiberScheduler s = scheduler(round % 2 == 0 ? 1 : parallelism());
            Account account = new Account();
            List<Fiber<Void>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                boolean depositor = i % 2 == 0;
                all.add(start(s, () -> {
                    for (int r = 0; r < 5; r++) {
                        if (depositor) {
                            account.deposit(1);
                        } else {
                            account.auditOnly();
                        }
                    }
                }));
            }
            Await.joinedAll(all);
            for (Fiber<Void> f : all) {
                f.get();
            }
            assertFalse(account.overlap, "two fibers were inside the nested monitor at once");
            synchronized (account) {
                assertEquals(100, account.balance, "deposits lost in the synchronized method");
                assertEquals(200, account.audited, "updates lost in the nested monitor");
            }
            assertMonitorFree(account);
            assertMonitorFree(account.audit);
        }
    }

    /** A one-slot hand-off written the old way, with {@code wait}/{@code notifyAll}. */
    private static final class Slot {
        private Integer item;

        synchronized void put(int x) throws InterruptedException {
            while (item != null) {
                wait();
            }
            item = x;
            notifyAll();
        }

        synchronized int take() throws InterruptedException {
            while (item == null) {
                wait();
            }
            int x = item;
            item = null;
            notifyAll();
            return x;
        }
    }

    @Test
    void waitNotifyHandOffBetweenFibersDeliversEveryItemInOrder() throws Exception {
        for (int carriers : new int[]{1, parallelism()}) {
            FiberScheduler s = scheduler(carriers);
            Slot slot = new Slot();
            int items = 2_000;
            Fiber<Void> producer = start(s, () -> {
                for (int i = 0; i < items; i++) {
                    try {
                        slot.put(i);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    if (i % 64 == 0) {
                        Fiber.yield();
                    }
                }
            });
            Fiber<Long> consumer = start(s, () -> {
                long outOfOrder = 0;
                for (int i = 0; i < items; i++) {
                    if (slot.take() != i) {
                        outOfOrder++;
                    }
                }
                return outOfOrder;
            });
            Await.joined(producer);
            Await.joined(consumer);
            producer.get();
            assertEquals(0L, consumer.get(), "items out of order or lost on " + carriers + " carrier(s)");
        }
    }

    @Test
    void aFiberSleepingInsideAMonitorCanBeInterruptedAndItsInterruptIsConsumedOnce() throws Exception {
        FiberScheduler s = scheduler();
        Object monitor = new Object();
        Fiber<String> f = start(s, () -> {
            synchronized (monitor) {
                try {
                    Fiber.sleep(Duration.ofDays(1));
                    return "slept a day";
                } catch (InterruptedException expected) {
                    // Consumed: a foreign wait in the same mount (the carrier was interrupted to
                    // end the pinned sleep) must not see the interrupt a second time.
                    monitor.wait(1);
                    return "interrupted once";
                }
            }
        });
        Await.state(f, Fiber.State.PINNED);
        f.interrupt();
        assertEquals("interrupted once", f.get(Await.HANG));
        assertMonitorFree(monitor);
    }

    @Test
    void aFiberParkedInsideAMonitorCanBeCancelledAndLeavesTheMonitor() throws Exception {
        FiberScheduler s = scheduler();
        Object monitor = new Object();
        AtomicBoolean finallyRan = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> {
            synchronized (monitor) {
                try {
                    while (true) {
                        Fiber.park();
                    }
                } finally {
                    finallyRan.set(true);
                }
            }
        });
        Await.state(f, Fiber.State.PINNED);
        assertTrue(f.cancel());
        Await.joined(f);
        assertThrows(CancellationException.class, f::get);
        assertTrue(finallyRan.get(), "the cancelled fiber's finally did not run");
        assertMonitorFree(monitor);
    }

    @Test
    void aTimedJoinInsideAMonitorTimesOut() throws Exception {
        FiberScheduler s = scheduler();
        Object monitor = new Object();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Void> never = start(s, () -> parkUntil(release));
        Fiber<Boolean> joiner = start(s, () -> {
            synchronized (monitor) {
                return never.join(Duration.ofMillis(20));
            }
        });
        assertEquals(Boolean.FALSE, joiner.get(Await.HANG), "the join inside the monitor did not time out");
        release.set(true);
        never.unpark();
        Await.joined(never);
        assertMonitorFree(monitor);
    }

    @Test
    void suspensionInsideMonitorIsCountedAsPinned() throws Exception {
        FiberScheduler s = scheduler();
        Object monitor = new Object();
        long before = s.stats().pinnedParks();
        Fiber<Void> f = start(s, () -> {
            synchronized (monitor) {
                try {
                    Fiber.sleep(Duration.ofMillis(1));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            Fiber.sleep(Duration.ofMillis(1)); // outside: unmounts, not counted
            return null;
        });
        Await.joined(f);
        f.get();
        assertTrue(s.stats().pinnedParks() > before, "a park inside synchronized was not counted as pinned: " + s.stats());
    }

    @Test
    void threadSleepInManyFibersIsCompensated() throws Exception {
        FiberScheduler s = scheduler(2);
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fibers.add(start(s, () -> {
                try {
                    Thread.sleep(10); // blocks the carrier, not just the fiber
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        Await.joinedAll(fibers);
        for (Fiber<Void> f : fibers) {
            f.get();
        }
        assertTrue(s.stats().compensationsTotal() > 0,
                "carriers blocked in Thread.sleep were never compensated: " + s.stats());
    }

    @Test
    void parkInsideCriticalSectionPinsYetCompletesAndIsCounted() throws Exception {
        FiberScheduler s = scheduler();
        long before = s.stats().pinnedParks();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<String> f = start(s, () -> {
            StackfulContinuation.pin();
            try {
                parkUntil(release);
            } finally {
                StackfulContinuation.unpin();
            }
            Fiber.yield(); // unpinned again: yields normally
            return "done";
        });
        Await.state(f, Fiber.State.PINNED);
        release.set(true);
        f.unpark();
        assertEquals("done", f.get(Await.HANG));
        assertTrue(s.stats().pinnedParks() > before, "pinned park not counted: " + s.stats());
    }

    @Test
    void pinnedSleepCompletes() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<String> f = start(s, () -> {
            StackfulContinuation.pin();
            try {
                Fiber.sleep(Duration.ofMillis(5));
            } finally {
                StackfulContinuation.unpin();
            }
            return "woke";
        });
        assertEquals("woke", f.get(Await.HANG));
        assertTrue(s.stats().pinnedParks() >= 1, s.stats().toString());
    }

    @Test
    void pinnedSleepingFiberIsInterruptible() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<String> f = start(s, () -> {
            StackfulContinuation.pin();
            try {
                Fiber.sleep(Duration.ofDays(1));
                return "slept";
            } catch (InterruptedException e) {
                return "interrupted";
            } finally {
                StackfulContinuation.unpin();
            }
        });
        Await.state(f, Fiber.State.PINNED);
        f.interrupt();
        assertEquals("interrupted", f.get(Await.HANG));
    }

    @Test
    void pinnedParkedFiberCanBeCancelled() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean finallyRan = new AtomicBoolean();
        Fiber<Void> f = start(s, () -> {
            StackfulContinuation.pin();
            try {
                parkUntil(new AtomicBoolean());
            } finally {
                StackfulContinuation.unpin();
                finallyRan.set(true);
            }
        });
        Await.state(f, Fiber.State.PINNED);
        assertTrue(f.cancel());
        Await.joined(f);
        assertTrue(finallyRan.get());
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void otherFibersRunWhileTheOnlyCarrierIsPinned() throws Exception {
        FiberScheduler s = scheduler(1);
        AtomicBoolean release = new AtomicBoolean();
        Fiber<Void> pinned = start(s, () -> {
            StackfulContinuation.pin();
            try {
                parkUntil(release);
            } finally {
                StackfulContinuation.unpin();
            }
        });
        Await.state(pinned, Fiber.State.PINNED);
        Fiber<Integer> other = start(s, () -> 5);
        boolean ranWhilePinned;
        try {
            ranWhilePinned = other.join(Duration.ofSeconds(10));
        } finally {
            release.set(true);
            pinned.unpark();
        }
        Await.joined(pinned);
        assertTrue(ranWhilePinned, "a fiber pinned on the only carrier stopped every other fiber (no compensation): " + s.stats());
        assertEquals(5, other.get());
    }

    @Test
    void cancelledUnstartedFiberNeverRunsWhenStarted() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean ran = new AtomicBoolean();
        Fiber<Void> f = Fiber.builder().scheduler(s).unstarted(() -> ran.set(true));
        assertTrue(f.cancel());
        assertTrue(f.isCancelled());
        f.start();
        Await.joined(f);
        assertFalse(ran.get(), "a fiber cancelled before start ran its task");
        assertThrows(CancellationException.class, f::get);
        s.shutdown();
        assertTrue(s.awaitTermination(Duration.ofSeconds(10)),
                "a fiber cancelled before start left the scheduler unable to terminate: " + s.stats());
    }

    @Test
    void rejectedStartDoesNotStopTheCarriersOfALiveFiber() throws Exception {
        FiberScheduler s = scheduler();
        AtomicBoolean release = new AtomicBoolean();
        Fiber<String> alive = start(s, () -> {
            parkUntil(release);
            Fiber.yield();
            return "finished";
        });
        Await.state(alive, Fiber.State.PARKED);
        s.shutdown();
        assertThrows(RejectedExecutionException.class, () -> start(s, () -> 1));
        assertThrows(RejectedExecutionException.class, () -> start(s, () -> 2));
        release.set(true);
        alive.unpark();
        assertTrue(alive.join(Duration.ofSeconds(10)),
                "after rejected starts, a fiber accepted before shutdown was never run again: " + alive.state() + ", " + s.stats());
        assertEquals("finished", alive.get());
        assertTrue(s.awaitTermination(Await.HANG));
    }

    @Test
    void unparkAndInterruptOfTerminatedFiberAreHarmless() throws Exception {
        FiberScheduler s = scheduler();
        Fiber<Integer> f = start(s, () -> 1);
        assertEquals(1, f.get());
        f.unpark();
        f.interrupt();
        assertEquals(1, f.get());
        assertEquals(Fiber.State.TERMINATED, f.state());
    }

    @Test
    void carriersAreDaemonThreads() throws Exception {
        FiberScheduler s = scheduler();
        CompletableFuture<Boolean> daemon = new CompletableFuture<>();
        s.execute(() -> daemon.complete(Thread.currentThread().isDaemon()));
        assertTrue(daemon.get(Await.HANG.toSeconds(), TimeUnit.SECONDS), "carriers must not keep the JVM alive");
    }

    @SuppressWarnings("unchecked")
    private static Fiber<Void>[] newFiberArray(int n) {
        return (Fiber<Void>[]) new Fiber<?>[n];
    }
}
