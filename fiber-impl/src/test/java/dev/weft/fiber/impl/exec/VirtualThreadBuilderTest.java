package dev.weft.fiber.impl.exec;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Schedulers.virtualThreadBuilder} and {@code virtualThreadFactory}: JDK virtual threads,
 * with the JDK builder's options, carried by a Weft scheduler; and the two failures (flag missing,
 * constructor missing) explained to the user.
 */
class VirtualThreadBuilderTest {

    private static String carrierOf(Thread virtual) {
        // A mounted virtual thread's toString names its carrier: VirtualThread[#22,name]/runnable@carrier
        String s = virtual.toString();
        return s.substring(s.indexOf('@') + 1);
    }

    @Test
    void builtThreadsAreVirtualNamedByTheCounterAndCarriedByTheScheduler() throws Exception {
        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            Thread.Builder.OfVirtual builder = Schedulers.virtualThreadBuilder(scheduler).name("worker-", 7);
            AtomicReference<String> carrier = new AtomicReference<>();
            Thread first = builder.start(() -> carrier.set(carrierOf(Thread.currentThread())));
            Thread second = builder.unstarted(() -> { });
            assertTrue(first.join(Duration.ofSeconds(30)));
            assertTrue(first.isVirtual());
            assertEquals("worker-7", first.getName());
            assertEquals("worker-8", second.getName());
            assertEquals(Thread.State.NEW, second.getState());
            assertTrue(carrier.get().startsWith("weft-"), "carried by " + carrier.get());
            assertTrue(scheduler.stats().tasksRun() > 0, "the scheduler ran the thread: " + scheduler.stats());
        }
    }

    @Test
    void theFactoryMakesUnstartedVirtualThreadsOnTheScheduler() throws Exception {
        try (FiberScheduler scheduler = Schedulers.fifo(1)) {
            ThreadFactory factory = Schedulers.virtualThreadFactory(scheduler);
            CountDownLatch ran = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                Thread t = factory.newThread(ran::countDown);
                assertTrue(t.isVirtual());
                assertEquals(Thread.State.NEW, t.getState());
                t.start();
            }
            Latches.await("100 factory threads", ran);
        }
    }

    @Test
    void theUncaughtExceptionHandlerGetsWhatEndsTheThread() throws Exception {
        try (FiberScheduler scheduler = Schedulers.fifo(1)) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            IllegalStateException boom = new IllegalStateException("boom");
            Thread t = Schedulers.virtualThreadBuilder(scheduler)
                    .uncaughtExceptionHandler((thread, e) -> seen.set(e))
                    .start(() -> {
                        throw boom;
                    });
            assertTrue(t.join(Duration.ofSeconds(30)));
            assertSame(boom, seen.get());
        }
    }

    @Test
    void inheritableThreadLocalsAreInheritedUnlessTurnedOff() throws Exception {
        InheritableThreadLocal<String> local = new InheritableThreadLocal<>();
        local.set("parent");
        try (FiberScheduler scheduler = Schedulers.fifo(1)) {
            AtomicReference<String> inherited = new AtomicReference<>("unset");
            AtomicReference<String> notInherited = new AtomicReference<>("unset");
            Thread a = Schedulers.virtualThreadBuilder(scheduler).start(() -> inherited.set(local.get()));
            Thread b = Schedulers.virtualThreadBuilder(scheduler).inheritInheritableThreadLocals(false)
                    .start(() -> notInherited.set(local.get()));
            assertTrue(a.join(Duration.ofSeconds(30)) && b.join(Duration.ofSeconds(30)));
            assertEquals("parent", inherited.get());
            assertNull(notInherited.get());
        } finally {
            local.remove();
        }
    }

    @Test
    void aJdkWithoutTheConstructorGetsAMessageSayingSoAndWhatToUseInstead() {
        try (FiberScheduler scheduler = Schedulers.fifo(1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> VirtualThreadBuilders.builderOn(scheduler, () -> {
                        throw new NoSuchMethodException(VirtualThreadBuilders.BUILDER_CLASS + ".<init>(java.util.concurrent.Executor)");
                    }));
            assertTrue(e.getMessage().contains("has no java.lang.ThreadBuilders$VirtualThreadBuilder(Executor) constructor"), e.getMessage());
            assertTrue(e.getMessage().contains("newRawFiberPerTaskExecutor"), e.getMessage());
            assertTrue(e.getMessage().contains(Runtime.version().toString()), e.getMessage());
            IllegalStateException gone = assertThrows(IllegalStateException.class,
                    () -> VirtualThreadBuilders.builderOn(scheduler, () -> {
                        throw new ClassNotFoundException(VirtualThreadBuilders.BUILDER_CLASS);
                    }));
            assertTrue(gone.getMessage().contains("has no"), gone.getMessage());
        }
    }

    @Test
    void withoutTheAddOpensFlagTheFirstUseNamesTheFlagAndWhereToPutIt() throws Exception {
        ChildJvm.Result r = ChildJvm.runWithoutWeftFlags(
                List.of("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"), WithoutAddOpens.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("builder: IllegalStateException"), r.output());
        assertTrue(r.output().contains("executor: IllegalStateException"), r.output());
        assertTrue(r.output().contains("Start the JVM with:  --add-opens java.base/java.lang=ALL-UNNAMED"), r.output());
        assertTrue(r.output().contains("argLine"), r.output());
        assertTrue(r.output().contains("raw-fiber mode works: 42"), r.output());
    }

    /** The child: both entry points fail with the message; the raw-fiber mode needs no such flag. */
    public static final class WithoutAddOpens {
        public static void main(String[] args) throws Exception {
            try (FiberScheduler scheduler = Schedulers.fifo(1)) {
                try {
                    Schedulers.virtualThreadBuilder(scheduler);
                    System.out.println("builder: no failure");
                } catch (IllegalStateException e) {
                    System.out.println("builder: IllegalStateException: " + e.getMessage());
                }
                try {
                    FiberExecutors.newFiberPerTaskExecutor(scheduler);
                    System.out.println("executor: no failure");
                } catch (IllegalStateException e) {
                    System.out.println("executor: IllegalStateException: " + e.getMessage());
                }
                try (ExecutorService raw = FiberExecutors.newRawFiberPerTaskExecutor(scheduler)) {
                    System.out.println("raw-fiber mode works: " + raw.submit(() -> 42).get(30, TimeUnit.SECONDS));
                }
            }
        }
    }
}
