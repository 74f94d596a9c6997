package dev.weft.fiber.micrometer;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.StuckFiberDetector;
import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weft works with Micrometer absent (it is an optional dependency): a child JVM whose class path
 * is this one's without the Micrometer jars runs fibers on the default scheduler and a new one,
 * takes a fiber dump, runs a stuck-fiber detector and reads the scheduler MBeans.
 */
@Timeout(180)
class FibersRunWithoutMicrometerTest {

    @Test
    void fibersDumpsAndDetectorsWorkWithoutMicrometerOnTheClassPath() throws Exception {
        String full = System.getProperty("java.class.path");
        List<String> entries = Arrays.asList(full.split(File.pathSeparator));
        String without = entries.stream().filter(e -> !e.contains("micrometer")).collect(Collectors.joining(File.pathSeparator));
        assertNotEquals(entries.size(), without.split(File.pathSeparator).length,
                "this JVM's class path has no Micrometer jar to leave out: " + full);
        ChildJvm.Result r = ChildJvm.runOnClassPath(List.of(), without, Child.class);
        assertEquals(0, r.exitCode(), "child failed:\n" + r.output());
        assertTrue(r.output().contains("MICROMETER ABSENT"), r.output());
        assertTrue(r.output().contains("SUM 500500"), r.output());
        assertTrue(r.output().contains("DUMPED parked-on-purpose"), r.output());
        assertTrue(r.output().contains("STUCK parked-on-purpose"), r.output());
        assertTrue(r.output().contains("MBEANS "), r.output());
    }

    /** Runs on a class path without Micrometer; prints what it checked. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                System.out.println("MICROMETER PRESENT");
            } catch (ClassNotFoundException expected) {
                System.out.println("MICROMETER ABSENT");
            }
            long sum = 0;
            for (int i = 1; i <= 1000; i++) {
                int n = i;
                sum += Fiber.start(() -> n).get();
            }
            System.out.println("SUM " + sum);
            FiberScheduler s = Schedulers.workStealing(2);
            Channel<Integer> never = Channels.rendezvous();
            Fiber<Integer> parked = Fiber.builder().name("parked-on-purpose").scheduler(s).start(() -> never.receive());
            while (parked.state() != Fiber.State.PARKED) {
                Thread.onSpinWait();
            }
            FiberDump dump = FiberDump.take();
            if (dump.toText().contains("parked-on-purpose")) {
                System.out.println("DUMPED parked-on-purpose");
            }
            try (StuckFiberDetector d = StuckFiberDetector.start(Duration.ZERO, Duration.ofHours(1), rep -> { })) {
                d.scan();
                if (d.scan().toText().contains("parked-on-purpose")) {
                    System.out.println("STUCK parked-on-purpose");
                }
            }
            int beans = ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new javax.management.ObjectName("dev.weft:type=Scheduler,*"), null).size();
            System.out.println("MBEANS " + beans);
            s.shutdownNow();
        }
    }
}
