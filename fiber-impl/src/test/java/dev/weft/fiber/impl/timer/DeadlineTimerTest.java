package dev.weft.fiber.impl.timer;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.core.FiberImpl;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The timer's promises, each on a timer of its own (a {@link DeadlineTimer} with its own
 * thread), so that the JVM-wide one and other tests' sleeps cannot disturb the counts. Waits are
 * bounded by {@link #HANG}, a failure detector, never a timing assertion.
 */
class DeadlineTimerTest {
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final AtomicInteger TIMERS = new AtomicInteger();

    private static DeadlineTimer timer(int drainThreshold) {
        return new DeadlineTimer("weft-test-timer-" + TIMERS.incrementAndGet(), drainThreshold);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + HANG + " waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** A fiber that parks (untimed) until {@code stop}, counting how often it was woken. */
    private static Fiber<Void> parkedCounter(FiberScheduler s, AtomicBoolean stop, AtomicInteger wakes) {
        return Fiber.builder().scheduler(s).start(() -> {
            while (!stop.get()) {
                Fiber.park();
                wakes.incrementAndGet();
            }
        });
    }

    private static void awaitParked(Fiber<?> f) throws InterruptedException {
        await(f + " parked", () -> f.state() == Fiber.State.PARKED);
    }

    private static long waitedCount(Thread t) {
        return ManagementFactory.getThreadMXBean().getThreadInfo(t.threadId()).getWaitedCount();
    }

    /**
     * Counts the timer thread's wake-ups over a while in which it has nothing to do but wait for
     * one far-off deadline: twice, by the timer's own counter and by the JVM's count of the
     * thread's waits ({@link java.lang.management.ThreadInfo#getWaitedCount()}, every
     * {@code LockSupport.park} counts). A ticking timer (the wheel: one wake-up a millisecond)
     * shows about two hundred; a timer that parks until the deadline shows none. The bound allows
     * a few spurious returns from {@code parkNanos}. The count does not depend on how fast the
     * machine is: a slow one only makes the ticking timer's count smaller, still far above it.
     */
    private static void assertDoesNotTickFor(DeadlineTimer timer, Duration while_) throws InterruptedException {
        Thread t = timer.thread();
        await("the timer thread to park", () -> t.getState() == Thread.State.TIMED_WAITING);
        long wakeUps = timer.wakeUps();
        long waited = waitedCount(t);
        Thread.sleep(while_.toMillis());
        long ownCount = timer.wakeUps() - wakeUps;
        long jvmCount = waitedCount(t) - waited;
        assertTrue(ownCount <= 3 && jvmCount <= 3, "the timer thread woke " + ownCount + " times (the JVM counted "
                + jvmCount + " waits) in " + while_ + " with one timeout pending, due in seconds: it ticks");
    }

    @Test
    void aPendingFarOffTimeoutDoesNotMakeTheTimerThreadTick() throws Exception {
        DeadlineTimer timer = timer(DeadlineTimer.DEFAULT_DRAIN_THRESHOLD);
        AtomicBoolean stop = new AtomicBoolean();
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<Void> f = parkedCounter(s, stop, new AtomicInteger());
            awaitParked(f);
            DeadlineTimer.Timeout far = timer.schedule(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), wake(f));
            await("the timeout drained", () -> timer.pendingEstimate() == 1);
            assertDoesNotTickFor(timer, Duration.ofMillis(200));
            assertTrue(timer.cancel(far));
            stop.set(true);
            f.unpark();
            assertTrue(f.join(HANG));
        }
    }

    @Test
    void anInterruptOfTheTimerThreadDoesNotMakeItSpin() throws Exception {
        DeadlineTimer timer = timer(DeadlineTimer.DEFAULT_DRAIN_THRESHOLD);
        AtomicBoolean stop = new AtomicBoolean();
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<Void> f = parkedCounter(s, stop, new AtomicInteger());
            awaitParked(f);
            DeadlineTimer.Timeout far = timer.schedule(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), wake(f));
            await("the timeout drained", () -> timer.pendingEstimate() == 1);
            timer.thread().interrupt(); // a stray interrupt: every park would return at once while it stays set
            assertDoesNotTickFor(timer, Duration.ofMillis(200));
            assertTrue(timer.cancel(far));
            stop.set(true);
            f.unpark();
            assertTrue(f.join(HANG));
        }
    }

    @Test
    void onlyTimeoutsThatWereNotCancelledWakeTheirFibers() throws Exception {
        DeadlineTimer timer = timer(1); // every request wakes the timer thread: cancels are drained at once
        int n = 200;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger[] wakes = new AtomicInteger[n];
        List<Fiber<Void>> fibers = new ArrayList<>();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            for (int i = 0; i < n; i++) {
                wakes[i] = new AtomicInteger();
                fibers.add(parkedCounter(s, stop, wakes[i]));
            }
            for (Fiber<Void> f : fibers) {
                awaitParked(f);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            DeadlineTimer.Timeout[] timeouts = new DeadlineTimer.Timeout[n];
            for (int i = 0; i < n; i++) {
                timeouts[i] = timer.schedule(deadline, wake(fibers.get(i)));
            }
            for (int i = 0; i < n; i += 2) {
                assertTrue(timer.cancel(timeouts[i]), "a cancel before the deadline");
                assertFalse(timer.cancel(timeouts[i]), "a second cancel");
            }
            for (int i = 1; i < n; i += 2) {
                int odd = i;
                await("fiber " + odd + " woken by its timeout", () -> wakes[odd].get() > 0);
                assertFalse(timer.cancel(timeouts[odd]), "a cancel after the timeout fired");
            }
            await("every timeout expired or removed", () -> timer.pendingEstimate() == 0);
            // The cancelled timeouts were due no later than the others, which have all fired.
            for (int i = 0; i < n; i += 2) {
                assertEquals(0, wakes[i].get(), "fiber " + i + " was woken by a cancelled timeout");
            }
            assertEquals(0, timer.failures());
            stop.set(true);
            for (Fiber<Void> f : fibers) {
                f.unpark();
                assertTrue(f.join(HANG));
            }
        }
    }

    @Test
    void cancelledTimeoutsLeaveTheTimerLongBeforeTheirDeadline() throws Exception {
        int threshold = 64;
        DeadlineTimer timer = timer(threshold);
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<Void> ended = Fiber.builder().scheduler(s).start(() -> { });
            assertTrue(ended.join(HANG));
            long inAMinute = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<DeadlineTimer.Timeout> timeouts = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                timeouts.add(timer.schedule(inAMinute + i, wake(ended)));
            }
            for (DeadlineTimer.Timeout t : timeouts) {
                assertTrue(timer.cancel(t));
            }
            // A sleeping timer thread is woken for every `threshold` requests, so what it leaves
            // undrained is below that, counted at most twice (queued, and still in the heap).
            await("the cancelled timeouts removed (pending: " + timer.pendingEstimate() + ")",
                    () -> timer.pendingEstimate() <= 2 * threshold);
            assertEquals(0, timer.failures());
        }
    }

    @Test
    void aCancelledTimeoutNoLongerReachesItsFiberEvenBeforeTheTimerThreadRemovesIt() throws Exception {
        DeadlineTimer timer = timer(Integer.MAX_VALUE); // never woken to drain: the cancel request stays queued
        assertCollected("a fiber whose timeout was cancelled", List.of(endedFiberWithCancelledTimeout(timer)));
        assertEquals(2, timer.pendingEstimate(), "the timeout is still in the heap and its cancel request queued"
                + " (this test is about the fiber alone)");
    }

    /** In a method of its own, so that no local variable of the test's frame keeps the fiber. */
    private static WeakReference<Fiber<?>> endedFiberWithCancelledTimeout(DeadlineTimer timer) throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<Void> ended = Fiber.builder().scheduler(s).start(() -> { });
            assertTrue(ended.join(HANG));
            DeadlineTimer.Timeout timeout = timer.schedule(System.nanoTime() + TimeUnit.SECONDS.toNanos(60), wake(ended));
            Thread t = timer.thread();
            await("the timeout in the heap, the timer thread parked until its deadline",
                    () -> timer.pendingEstimate() == 1 && t.getState() == Thread.State.TIMED_WAITING);
            assertTrue(timer.cancel(timeout));
            return new WeakReference<>(ended);
        }
    }

    /**
     * The JVM-wide path, through {@code Fiber.parkNanos}: a timed park that ends early cancels
     * its timer, so the ended fiber is collectable long before the 60 s deadline. Before the fix
     * the timer held every one of them until then.
     */
    @Test
    void aTimedParkEndedEarlyByUnparkLetsItsFiberBeCollected() throws Exception {
        assertCollected("fibers whose 60 s timed park ended early", fibersWhoseTimedParkEndedEarly(2_000));
    }

    /** In a method of its own, so that no local variable of the test's frame keeps a fiber. */
    private static List<WeakReference<Fiber<?>>> fibersWhoseTimedParkEndedEarly(int n) throws Exception {
        List<WeakReference<Fiber<?>>> refs = new ArrayList<>();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fibers.add(Fiber.builder().scheduler(s).start(() -> Fiber.parkNanos(TimeUnit.SECONDS.toNanos(60))));
            }
            for (Fiber<Void> f : fibers) {
                await(f + " parked or done", () -> f.state() == Fiber.State.PARKED || f.isDone());
                f.unpark();
            }
            for (Fiber<Void> f : fibers) {
                assertTrue(f.join(HANG), f + " did not end after its unpark");
                refs.add(new WeakReference<>(f));
            }
        }
        return refs;
    }

    /** GCs until every referent is gone; fails if some stay reachable through a bounded number of GCs. */
    static void assertCollected(String what, List<? extends WeakReference<?>> refs) throws InterruptedException {
        for (int gc = 0; gc < 50; gc++) {
            if (refs.stream().allMatch(r -> r.get() == null)) {
                return;
            }
            System.gc();
            Thread.sleep(10);
        }
        long alive = refs.stream().filter(r -> r.get() != null).count();
        fail(alive + " of " + refs.size() + " " + what + " are still reachable after 50 GCs");
    }

    /**
     * Nothing a wake-up throws ends the timer thread, not even an {@link Error}, nor a log
     * handler that throws while the failure is reported (before, that exception left the wheel's
     * poll and ended the thread: no fiber of the JVM woke from a sleep again). The first failure
     * is reported, later ones within the report interval only counted.
     */
    @Test
    void wakeUpsThatThrowAndALogHandlerThatThrowsDoNotStopTheTimer() throws Exception {
        DeadlineTimer timer = timer(DeadlineTimer.DEFAULT_DRAIN_THRESHOLD);
        Logger jul = Logger.getLogger("dev.weft.fiber.timer"); // what System.getLogger maps to with java.logging
        AtomicInteger published = new AtomicInteger();
        Handler throwing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                published.incrementAndGet();
                throw new IllegalStateException("a log handler that fails");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parents = jul.getUseParentHandlers();
        jul.addHandler(throwing);
        jul.setUseParentHandlers(false);
        List<Supplier<Throwable>> failures = List.of(
                () -> new RejectedExecutionException("a scheduler that rejects resumes"),
                () -> new OutOfMemoryError("a scheduler out of memory (simulated)"),
                () -> new StackOverflowError("a scheduler out of stack (simulated)"));
        List<ThrowingResumeScheduler> broken = new ArrayList<>();
        try (FiberScheduler healthy = Schedulers.workStealing(1)) {
            for (Supplier<Throwable> failure : failures) {
                ThrowingResumeScheduler bad = new ThrowingResumeScheduler(failure);
                broken.add(bad);
                Fiber<Void> victim = Fiber.builder().scheduler(bad).start(() -> Fiber.park());
                awaitParked(victim);
                timer.schedule(System.nanoTime(), wake(victim));
            }
            await("the three failures caught", () -> timer.failures() == failures.size());
            Fiber<Void> bystander = Fiber.builder().scheduler(healthy).start(() -> Fiber.park());
            awaitParked(bystander);
            timer.schedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1), wake(bystander));
            assertTrue(bystander.join(HANG), "a fiber of a healthy scheduler was not woken after the failures (timer thread alive: "
                    + timer.thread().isAlive() + ")");
            assertTrue(timer.thread().isAlive());
            assertEquals(1, published.get(), "failures within the report interval are counted, not each logged");
        } finally {
            jul.removeHandler(throwing);
            jul.setUseParentHandlers(parents);
            for (ThrowingResumeScheduler bad : broken) {
                bad.shutdownNow();
            }
        }
    }

    /** Starts fibers on a thread of its own, and throws whatever it is given on every resume. */
    private static final class ThrowingResumeScheduler implements FiberScheduler {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Supplier<Throwable> failure;

        ThrowingResumeScheduler(Supplier<Throwable> failure) {
            this.failure = failure;
        }

        @Override
        public void execute(Runnable task) {
            thread.execute(task);
        }

        @Override
        public void resume(Runnable fiber) {
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) t;
        }

        @Override
        public void shutdown() {
            thread.shutdown();
        }

        @Override
        public void shutdownNow() {
            thread.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return thread.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return thread.isTerminated();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            return thread.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public SchedulerStats stats() {
            return new SchedulerStats("throwing-resume", 1, 1, 0, 0, 0, 0, 0, 0);
        }
    }

    /** The wake-up the fiber core schedules for a timed park numbered 0 of {@code f}. */
    private static Runnable wake(Fiber<?> f) {
        FiberImpl<?> fiber = (FiberImpl<?>) f;
        return () -> fiber.parkTimedOut(0);
    }
}
