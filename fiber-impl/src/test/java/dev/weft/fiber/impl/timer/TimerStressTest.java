package dev.weft.fiber.impl.timer;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many fibers on two carriers using the JVM-wide timer every way at once: sleeps that run their
 * course, short timed parks that time out, and long timed parks ended early by unparks from
 * other fibers (so cancels race with expiries and with each other on both carriers). Every fiber
 * must end, and none may stay reachable from the timer afterwards. Bounded in time by the
 * joins' limit, a failure detector.
 */
class TimerStressTest {
    private static final boolean STRESS = Boolean.getBoolean("weft.stress");
    private static final int SLEEPERS = STRESS ? 100_000 : 10_000;
    private static final int PER_WAKER = 10;
    private static final Duration HANG = Duration.ofSeconds(60);

    @Test
    void sleepsTimedOutParksAndEarlyEndedParksOnTwoCarriersAllEndAndLetGoOfTheirFibers() throws Exception {
        DeadlineTimerTest.assertCollected("fibers that ended while the 60 s timeouts of their parks were pending", runAll());
    }

    /** Runs every fiber to its end; in a method of its own, so that no local of the test's frame keeps a fiber. */
    private static List<WeakReference<Fiber<?>>> runAll() throws InterruptedException {
        AtomicIntegerArray released = new AtomicIntegerArray(SLEEPERS);
        long longPark = TimeUnit.SECONDS.toNanos(60);
        List<WeakReference<Fiber<?>>> refs = new ArrayList<>();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            Fiber.Builder builder = Fiber.builder().scheduler(s);
            List<Fiber<?>> sleepers = new ArrayList<>(SLEEPERS);
            for (int i = 0; i < SLEEPERS; i++) {
                int me = i;
                sleepers.add(builder.start(() -> {
                    SplittableRandom random = new SplittableRandom(me);
                    Fiber.sleep(Duration.ofNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(3))));
                    Fiber.parkNanos(random.nextLong(1, TimeUnit.MICROSECONDS.toNanos(500))); // mostly times out
                    while (released.get(me) == 0) {
                        Fiber.parkNanos(longPark); // ended early by a waker
                    }
                    return null;
                }));
            }
            List<Fiber<?>> wakers = new ArrayList<>();
            for (int w = 0; w < SLEEPERS / PER_WAKER; w++) {
                int first = w * PER_WAKER;
                wakers.add(builder.start(() -> {
                    SplittableRandom random = new SplittableRandom(-first - 1);
                    for (int i = first; i < first + PER_WAKER; i++) {
                        Fiber.sleep(Duration.ofNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(1))));
                        released.set(i, 1);
                        sleepers.get(i).unpark();
                    }
                    return null;
                }));
            }
            for (Fiber<?> f : wakers) {
                assertTrue(f.join(HANG), f + " (a waker) did not end");
            }
            for (Fiber<?> f : sleepers) {
                assertTrue(f.join(HANG), f + " (a sleeper) did not end after its unpark");
                refs.add(new WeakReference<>(f));
            }
        }
        return refs;
    }
}
