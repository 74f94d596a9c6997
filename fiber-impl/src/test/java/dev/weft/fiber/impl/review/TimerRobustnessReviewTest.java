package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerStats;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import dev.weft.fiber.impl.timer.DeadlineTimer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timer thread is shared by every fiber of the JVM, so nothing one scheduler does may stop
 * it. A third-party scheduler that implements only {@code execute} and the life cycle (which
 * {@link FiberScheduler} says is enough) rejects after shutdown, and its inherited
 * {@code resume} does too; a timed wake-up of one of its fibers then throws on the timer thread.
 * The test drives a private timer (built reflectively) so that the JVM-wide one stays intact.
 */
class TimerRobustnessReviewTest {

    /** The minimal scheduler the SPI documentation invites: execute plus life cycle, nothing else. */
    static final class MinimalScheduler implements FiberScheduler {
        private final ExecutorService threads = Executors.newFixedThreadPool(1);

        @Override
        public void execute(Runnable task) {
            threads.execute(task); // throws RejectedExecutionException after shutdown, as the SPI requires
        }

        @Override
        public void shutdown() {
            threads.shutdown();
        }

        @Override
        public void shutdownNow() {
            threads.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return threads.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return threads.isTerminated();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            return threads.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public SchedulerStats stats() {
            return new SchedulerStats("minimal", 1, 1, 0, 0, 0, 0, 0, 0);
        }
    }

    private static DeadlineTimer privateTimer() throws ReflectiveOperationException {
        Constructor<DeadlineTimer> c = DeadlineTimer.class.getDeclaredConstructor(String.class);
        c.setAccessible(true);
        return c.newInstance("weft-review-timer");
    }

    private static Thread timerThread(DeadlineTimer t) throws ReflectiveOperationException {
        Field f = DeadlineTimer.class.getDeclaredField("thread");
        f.setAccessible(true);
        return (Thread) f.get(t);
    }

    @Test
    void aSchedulerThatRejectsAResumeDoesNotKillTheTimerThread() throws Exception {
        DeadlineTimer timer = privateTimer();
        MinimalScheduler minimal = new MinimalScheduler();
        FiberScheduler pool = new WorkStealingScheduler(1);
        try {
            Fiber<Void> victim = Fiber.builder().scheduler(minimal).start(() -> Fiber.park());
            while (victim.state() != Fiber.State.PARKED) {
                Thread.onSpinWait();
            }
            minimal.shutdown(); // its fiber is still alive, parked
            timer.schedule(System.nanoTime(), wake(victim)); // its (untimed) park "times out"

            Fiber<Void> bystander = Fiber.builder().scheduler(pool).start(() -> Fiber.park());
            while (bystander.state() != Fiber.State.PARKED) {
                Thread.onSpinWait();
            }
            timer.schedule(System.nanoTime() + 1_000_000L, wake(bystander));
            boolean woke = bystander.join(Duration.ofSeconds(5));
            Thread t = timerThread(timer);
            assertTrue(woke && t.isAlive(), "a fiber of a healthy scheduler was never woken by the timer (timer thread alive: "
                    + t.isAlive() + "): one scheduler's failing resume ended the timer thread for every fiber");
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(Duration.ofSeconds(10));
            minimal.shutdownNow();
        }
    }

    /** The wake-up the fiber core schedules for a timed park numbered 0 of {@code f}. */
    private static Runnable wake(Fiber<?> f) {
        FiberImpl<?> fiber = (FiberImpl<?>) f;
        return () -> fiber.parkTimedOut(0);
    }
}
