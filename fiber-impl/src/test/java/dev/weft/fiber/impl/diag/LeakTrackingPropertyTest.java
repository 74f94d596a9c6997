package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -Dweft.diag.trackLeaks=true}, read once per JVM, turns leak tracking on for every Weft
 * pool, the default scheduler included, and the reports reach the JDK's default logging as
 * {@code WARNING}s. In a child JVM, since the property is read once; the in-process tests of
 * the mechanism choose the mode per pool ({@link UnreachableParkedFiberIsReportedTest}).
 */
@Timeout(180)
class LeakTrackingPropertyTest {
    private static final int PER_SCHEDULER = 5;

    @Test
    void thePropertyTurnsLeakTrackingOnForEveryPool() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-Dweft.diag.trackLeaks=true"), Child.class);
        System.out.print(r.output());
        assertEquals(0, r.exitCode(), "child failed:\n" + r.output());
        assertTrue(r.output().contains("REPORTED " + 2 * PER_SCHEDULER), r.output());
        long logged = r.output().lines().filter(l -> l.startsWith("WARNING: Fiber[#")
                && l.contains("became unreachable while parked")).count();
        assertEquals(2 * PER_SCHEDULER, logged, "reports on the console:\n" + r.output());
        for (int i = 0; i < PER_SCHEDULER; i++) {
            assertTrue(r.output().contains(",own-pool-" + i + "] of work-stealing-"), r.output());
            assertTrue(r.output().contains(",default-pool-" + i + "] of work-stealing-"), r.output());
        }
    }

    /** Leaks fibers on a new pool and on the default scheduler, and waits for their reports. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Logger log = Logger.getLogger("dev.weft.fiber.leak"); // held: JUL keeps loggers weakly
            AtomicInteger reports = new AtomicInteger();
            log.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    reports.incrementAndGet();
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
            FiberScheduler own = Schedulers.workStealing(2);
            leak(own, "own-pool-");
            leak(Schedulers.defaultScheduler(), "default-pool-");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reports.get() < 2 * PER_SCHEDULER && System.nanoTime() - deadline < 0) {
                System.gc();
                TimeUnit.MILLISECONDS.sleep(20);
            }
            System.out.println("REPORTED " + reports.get());
            own.shutdownNow();
        }

        private static void leak(FiberScheduler s, String prefix) {
            List<Fiber<Integer>> fibers = new ArrayList<>();
            for (int i = 0; i < PER_SCHEDULER; i++) {
                Channel<Integer> ch = Channels.rendezvous();
                fibers.add(Fiber.builder().name(prefix + i).scheduler(s).start(() -> ch.receive()));
            }
            for (Fiber<Integer> f : fibers) {
                while (f.state() != Fiber.State.PARKED) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
