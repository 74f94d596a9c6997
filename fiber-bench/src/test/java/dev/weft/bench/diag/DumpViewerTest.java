package dev.weft.bench.diag;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viewer reads Weft's JSON dump back into the same groups, and groups the JDK's own dump too. */
@Timeout(60)
class DumpViewerTest {

    @Test
    void aWeftJsonDumpReadsBackIntoTheSameGroups(@TempDir Path dir) throws Exception {
        FiberScheduler s = Schedulers.workStealing(1);
        FiberCountDownLatch latch = new FiberCountDownLatch(1);
        try {
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                fibers.add(Fiber.builder().name("waiter-" + i).scheduler(s).start(() -> {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (fibers.stream().anyMatch(f -> f.state() != Fiber.State.PARKED) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            FiberDump dump = FiberDump.take();
            Path file = dir.resolve("d.json");
            dump.writeTo(file, FiberDump.Format.JSON);
            FiberDump back = DumpViewer.read(file);
            assertEquals(dump.fiberCount(), back.fiberCount());
            String text = back.toText();
            assertTrue(text.contains("300 fibers PARKED on await on "), text);
            assertEquals(dump.toText().lines().filter(l -> l.matches("\\d+ fibers? .*")).map(l -> l.replaceAll(", longest .*", "")).toList(),
                    text.lines().filter(l -> l.matches("\\d+ fibers? .*")).map(l -> l.replaceAll(", longest .*", "")).toList(),
                    "the same group headers");
        } finally {
            latch.countDown();
            s.close();
        }
    }

    @Test
    void theJdksOwnDumpOfVirtualThreadsIsGroupedToo(@TempDir Path dir) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().name("vt-" + i).start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (threads.stream().anyMatch(t -> t.getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Path file = dir.resolve("jdk.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String text = DumpViewer.read(file).toText();
            assertTrue(text.contains("50 fibers PARKED"), text);
            assertTrue(text.contains("java.util.concurrent.CountDownLatch.await"), text);
        } finally {
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Test
    void framesParseBackAsTheJdkPrintsThem() {
        assertEquals("java.base/java.lang.Thread.sleep(Thread.java:540)",
                DumpViewer.frame("java.base/java.lang.Thread.sleep(Thread.java:540)").toString());
        assertEquals("java.base/jdk.internal.misc.Unsafe.park(Native Method)",
                DumpViewer.frame("java.base/jdk.internal.misc.Unsafe.park(Native Method)").toString());
        StackTraceElement app = DumpViewer.frame("dev.weft.bench.diag.DiagnosticsDemo.awaitLogin(DiagnosticsDemo.java:111)");
        assertEquals("dev.weft.bench.diag.DiagnosticsDemo", app.getClassName());
        assertEquals("awaitLogin", app.getMethodName());
        assertEquals(111, app.getLineNumber());
    }
}
