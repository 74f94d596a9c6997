package dev.weft.fiber.impl.sync;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the synchronizer tests share: schedulers made per test and shut down after it (so that a
 * failing test leaves no fiber or carrier behind), the scheduler kinds the stress tests run on,
 * and a carrier lookup that a migrated compiled frame cannot get wrong.
 */
abstract class SyncTestSupport {
    private final List<FiberScheduler> schedulers = new ArrayList<>();

    /** The scheduler kinds of the stress tests: both kinds, two carriers, and four to force migration. */
    static Stream<String> kinds() {
        return Stream.of("workStealing(2)", "fifo(2)", "workStealing(4)");
    }

    /** A scheduler of {@code kind} (one of {@link #kinds()}), shut down after the test. */
    final FiberScheduler scheduler(String kind) {
        IntFunction<FiberScheduler> make = kind.startsWith("fifo") ? Schedulers::fifo : Schedulers::workStealing;
        int n = Integer.parseInt(kind.substring(kind.indexOf('(') + 1, kind.indexOf(')')));
        FiberScheduler s = make.apply(n);
        schedulers.add(s);
        return s;
    }

    @AfterEach
    final void closeSchedulers() throws InterruptedException {
        for (FiberScheduler s : schedulers) {
            s.shutdownNow();
        }
        for (FiberScheduler s : schedulers) {
            assertTrue(s.awaitTermination(Await.HANG), "scheduler did not terminate after shutdownNow: " + s.stats());
        }
    }

    static <V> Fiber<V> start(FiberScheduler s, Callable<V> task) {
        return Fiber.builder().scheduler(s).start(task);
    }

    static Fiber<Void> start(FiberScheduler s, Runnable task) {
        return Fiber.builder().scheduler(s).start(task);
    }

    /**
     * Races a waiter's arrival against the release that lets it through, {@code rounds} times, on
     * two threads (so that both really run at once on two cores): per round, {@code setUp} (by
     * the test thread: take the lock, empty the semaphore...), then the waiter thread runs
     * {@code waiter} while the test thread, after a random short spin, runs {@code release}. A
     * lost wake-up leaves the waiter parked with nobody to wake it: the round does not end, and
     * the test fails naming it.
     */
    static void raceWaiterAgainstRelease(java.util.function.Supplier<String> what, int rounds, Runnable setUp, Runnable waiter, Runnable release)
            throws InterruptedException {
        java.util.concurrent.Phaser phaser = new java.util.concurrent.Phaser(2);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread w = Thread.ofPlatform().name("arriving-waiter").start(() -> {
            try {
                for (int r = 0; r < rounds; r++) {
                    phaser.arriveAndAwaitAdvance();
                    waiter.run();
                    phaser.arriveAndAwaitAdvance();
                }
            } catch (Throwable t) {
                failure.set(t);
                phaser.forceTermination();
            }
        });
        try {
            for (int r = 0; r < rounds; r++) {
                setUp.run();
                phaser.arriveAndAwaitAdvance();
                for (int spin = java.util.concurrent.ThreadLocalRandom.current().nextInt(64); spin > 0; spin--) {
                    Thread.onSpinWait(); // vary where in the waiter's arrival the release lands
                }
                release.run();
                int phase = phaser.arrive();
                try {
                    phaser.awaitAdvanceInterruptibly(phase, Await.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    org.junit.jupiter.api.Assertions.fail("round " + r + ": the waiter was never let through (a lost wake-up): " + what.get());
                }
                if (failure.get() != null) {
                    throw new AssertionError("the waiter failed in round " + r, failure.get());
                }
            }
        } finally {
            phaser.forceTermination();
        }
        Await.joined(w);
    }

    /**
     * {@code Thread.currentThread()} through a method handle in a non-final field: C2 cannot
     * inline it, so a compiled frame that migrated reads its new carrier (an inlined
     * {@code Thread.currentThread()} may show the old one, see CurrentFiberMigrationTest).
     */
    private static MethodHandle freshCurrentThread = currentThreadHandle();

    private static MethodHandle currentThreadHandle() {
        try {
            return MethodHandles.lookup().findStatic(Thread.class, "currentThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The carrier (or thread) running the caller now. */
    static Thread actualCarrier() {
        try {
            return (Thread) freshCurrentThread.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
