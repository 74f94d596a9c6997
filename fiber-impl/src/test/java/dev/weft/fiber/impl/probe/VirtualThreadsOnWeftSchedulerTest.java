package dev.weft.fiber.impl.probe;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shows that a Weft scheduler, through nothing but its {@code Runnable} SPI, can carry JDK virtual
 * threads, and that those unmount from it in {@code Thread.sleep}, {@code LockSupport.park} and
 * contended {@code synchronized} (JDK 25). The JDK still has the package-private
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor; reaching it needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (part of {@code weft.jvm.flags}).
 * See docs/internals.md.
 */
class VirtualThreadsOnWeftSchedulerTest {

    static Thread.Builder.OfVirtual builderOn(Executor scheduler) throws ReflectiveOperationException {
        Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
        Constructor<?> ctor = c.getDeclaredConstructor(Executor.class);
        ctor.setAccessible(true);
        return (Thread.Builder.OfVirtual) ctor.newInstance(scheduler);
    }

    @Test
    void virtualThreadsBlockingInJdkCallsUnmountFromASingleCarrier() throws Exception {
        try (FiberScheduler scheduler = Schedulers.workStealing(1)) {
            Thread.Builder.OfVirtual builder = builderOn(scheduler);
            Set<String> carriersSeen = ConcurrentHashMap.newKeySet();
            AtomicInteger done = new AtomicInteger();
            Object monitor = new Object();
            List<Thread> threads = new ArrayList<>();
            // 50 virtual threads each sleep 20 ms on one carrier: only unmounting lets them overlap.
            for (int i = 0; i < 50; i++) {
                threads.add(builder.start(() -> {
                    carriersSeen.add(carrierName());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    LockSupport.parkNanos(1_000_000);
                    synchronized (monitor) {
                        LockSupport.parkNanos(100_000); // holds the monitor while unmounted: others block on it, unmounted too
                    }
                    done.incrementAndGet();
                }));
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(30)), t + " did not finish");
            }
            assertEquals(50, done.get());
            assertTrue(carriersSeen.stream().allMatch(n -> n.startsWith("weft-")), "carriers: " + carriersSeen);
            // Had a sleep, park or monitor wait blocked the carrier instead of unmounting, the
            // watchdog would have seen it blocked for milliseconds and started a compensating
            // carrier for most of the 50 sleeps. A carrier the OS does not run for 10 ms on a
            // loaded machine looks busy to the watchdog too, so a stray stand-in is allowed.
            assertTrue(scheduler.stats().compensationsTotal() < 5,
                    "compensating carriers were needed: " + scheduler.stats());
        }
    }

    private static String carrierName() {
        // A virtual thread's toString names its carrier: VirtualThread[#22]/runnable@weft-...-carrier-0
        String s = Thread.currentThread().toString();
        return s.substring(s.indexOf('@') + 1);
    }
}
