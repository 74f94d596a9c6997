package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.SchedulerMXBean;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each scheduler has an MXBean in the platform MBean server from creation until termination,
 * and its counters add up after a known workload.
 */
@Timeout(60)
class SchedulerMetricsTest {
    private static final int FIBERS = 2_000;
    private static final int YIELDS = 10;

    @Test
    void theMetricsAddUpAfterAKnownWorkload() throws Exception {
        for (FiberScheduler s : List.of(Schedulers.workStealing(2), Schedulers.fifo(2))) {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.weft:type=Scheduler,name=" + s.stats().name());
            assertTrue(server.isRegistered(name), name + " is registered as the scheduler starts");
            SchedulerMXBean bean = JMX.newMXBeanProxy(server, name, SchedulerMXBean.class);
            assertEquals(s.stats().name(), bean.getName());
            assertEquals(2, bean.getParallelism());
            long runBefore = bean.getTasksRun();
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < FIBERS; i++) {
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    for (int y = 0; y < YIELDS; y++) {
                        Fiber.yield();
                    }
                }));
            }
            Await.joinedAll(fibers);
            Await.until("every fiber counted as completed", () -> bean.getFibersCompleted() == FIBERS);
            assertEquals(FIBERS, bean.getFibersSpawned());
            assertEquals(0, bean.getFibersLive());
            // each fiber runs once per yield plus once to start: at least that many tasks (a
            // carrier counts a task as it returns, a moment after the fiber it ran was counted as ended)
            Await.until("tasks run to reach " + (long) FIBERS * (YIELDS + 1) + " (" + bean.getTasksRun() + " - " + runBefore + ")",
                    () -> bean.getTasksRun() - runBefore >= (long) FIBERS * (YIELDS + 1));
            // A loaded machine can make the watchdog start stand-ins (a carrier preempted inside a
            // task looks blocked); they retire a second after the work is gone.
            Await.until("stand-in carriers to retire (" + s.stats() + ")", () -> bean.getCarriers() == 2);
            assertEquals(s.stats().tasksRun(), bean.getTasksRun());
            assertEquals(0, bean.getPinnedParks());
            assertTrue(bean.getCarrierUtilization() >= 0 && bean.getCarrierUtilization() <= 1);
            assertFalse(bean.isShutdown());

            s.close();
            Await.until(name + " unregistered after termination", () -> !server.isRegistered(name));
        }
    }

    @Test
    void theDiagnosticsMBeanDumpsThroughJmx(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        FiberScheduler s = Schedulers.workStealing(1);
        dev.weft.fiber.FiberCountDownLatch latch = new dev.weft.fiber.FiberCountDownLatch(1);
        try {
            Fiber<?> f = Fiber.builder().name("jmx-visible").scheduler(s).start(() -> {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.state(f, Fiber.State.PARKED);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.weft:type=FiberDiagnostics");
            assertTrue(server.isRegistered(name));
            String text = (String) server.invoke(name, "dumpText", null, null);
            assertTrue(text.contains("\"jmx-visible\""), text);
            String json = (String) server.invoke(name, "dumpJson", null, null);
            assertTrue(json.contains("\"name\": \"jmx-visible\""), json);
            java.nio.file.Path file = dir.resolve("dump.txt");
            String written = (String) server.invoke(name, "writeDump", new Object[]{file.toString(), "TEXT"},
                    new String[]{String.class.getName(), String.class.getName()});
            assertEquals(file.toAbsolutePath().toString(), written);
            assertTrue(java.nio.file.Files.readString(file).contains("jmx-visible"));
            assertTrue((Long) server.getAttribute(name, "LiveFibers") >= 1);
            javax.management.RuntimeMBeanException bad = org.junit.jupiter.api.Assertions.assertThrows(
                    javax.management.RuntimeMBeanException.class, () -> server.invoke(name, "writeDump",
                            new Object[]{file.toString(), "xml"}, new String[]{String.class.getName(), String.class.getName()}));
            assertTrue(String.valueOf(bad.getCause()).contains("text or json"), String.valueOf(bad.getCause()));
            latch.countDown();
            f.join(Await.HANG);
        } finally {
            latch.countDown();
            s.close();
        }
    }
}
