package dev.weft.fiber.impl.guide;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberLocal;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples of {@code docs/executors.md}, compiled and run; {@code DocsShowTheCompiledExamplesTest}
 * checks that the document shows exactly this code.
 */
class ExecutorGuideExamplesTest {

    /** Stands in for a blocking call of the old kind (JDBC, a blocking HTTP client). */
    static String fetch(String url) throws InterruptedException {
        Thread.sleep(5);
        return "page " + url;
    }

    static String render(String a, String b) {
        return a + " + " + b;
    }

    @Test
    void before() throws Exception {
        // docs:begin before
        ExecutorService executor = Executors.newFixedThreadPool(200);
        try {
            Future<String> a = executor.submit(() -> fetch("/a"));
            Future<String> b = executor.submit(() -> fetch("/b"));
            System.out.println(render(a.get(), b.get()));
        } finally {
            executor.shutdown();
        }
        // docs:end
        assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
    }

    @Test
    void after() throws Exception {
        String shown;
        // docs:begin after
        try (ExecutorService executor = FiberExecutors.newFiberPerTaskExecutor()) {
            Future<String> a = executor.submit(() -> fetch("/a"));
            Future<String> b = executor.submit(() -> fetch("/b"));
            shown = render(a.get(), b.get());
        } // close() waits for the tasks, like any ExecutorService
        // docs:end
        assertEquals("page /a + page /b", shown);
    }

    @Test
    void bounded() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // docs:begin bounded
        FiberScheduler carriers = Schedulers.workStealing(4);
        try (ExecutorService executor = FiberExecutors.newFiberPerTaskExecutor(carriers, 200)) {
            for (int i = 0; i < 1_000; i++) {
                executor.execute(() -> {         // never blocks the submitter
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(1);         // at most 200 of these at a time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                });
            }
        }
        carriers.close();                        // after the executor: it may carry its last tasks
        // docs:end
        assertTrue(most.get() <= 200, "at most 200 at a time: " + most.get());
    }

    // docs:begin rawFiber
    static final FiberLocal<String> REQUEST_ID = new FiberLocal<>();

    static String handle(String id) throws InterruptedException {
        REQUEST_ID.set(id);                      // this fiber's own, whichever carrier it runs on
        Fiber.sleep(Duration.ofMillis(2));       // suspends: the carrier runs other fibers
        return REQUEST_ID.get() + " done";
    }
    // docs:end

    @Test
    void rawFiber() throws Exception {
        List<String> results = new ArrayList<>();
        // docs:begin rawFiberUse
        try (ExecutorService executor = FiberExecutors.newRawFiberPerTaskExecutor()) {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                String id = "request-" + i;
                futures.add(executor.submit(() -> handle(id)));
            }
            for (Future<String> f : futures) {
                results.add(f.get());
            }
        }
        // docs:end
        assertEquals(10_000, results.size());
        assertEquals("request-9999 done", results.get(9_999));
    }

    @Test
    void scheduled() throws Exception {
        AtomicInteger beats = new AtomicInteger();
        FiberScheduler carriers = Schedulers.workStealing(2);
        // docs:begin scheduled
        ScheduledExecutorService timer = FiberExecutors.newScheduledFiberExecutor(carriers);
        ScheduledFuture<?> heartbeat = timer.scheduleAtFixedRate(beats::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);
        ScheduledFuture<String> later = timer.schedule(() -> "later", 50, TimeUnit.MILLISECONDS);
        String value = later.get();
        heartbeat.cancel(false);
        timer.close();
        // docs:end
        carriers.close();
        assertEquals("later", value);
        assertTrue(beats.get() >= 1);
    }

    @Test
    void virtualThreadsOnWeft() throws Exception {
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        // docs:begin virtualThreads
        try (FiberScheduler oneCarrier = Schedulers.fifo(1)) {   // deterministic: one carrier, FIFO
            Thread.Builder.OfVirtual builder = Schedulers.virtualThreadBuilder(oneCarrier).name("sim-", 0);
            Thread a = builder.start(() -> order.add(Thread.currentThread().getName()));
            Thread b = builder.start(() -> order.add(Thread.currentThread().getName()));
            a.join();
            b.join();
        }
        // order: [sim-0, sim-1]
        // docs:end
        assertEquals(List.of("sim-0", "sim-1"), order);
    }

    @Test
    void scope() throws Exception {
        String shown;
        // docs:begin scope
        try (var scope = FiberScope.open()) {            // fail-fast: a failure cancels the others
            FiberScope.Subtask<String> a = scope.fork(() -> fetch("/a"));
            FiberScope.Subtask<String> b = scope.fork(() -> fetch("/b"));
            scope.join();                                // FailedException if one failed
            shown = render(a.get(), b.get());
        }                                                // no subtask outlives the block
        // docs:end
        assertEquals("page /a + page /b", shown);
    }

    @Test
    void scopeFailure() {
        // docs:begin scopeFailure
        try (var scope = FiberScope.open()) {
            scope.fork(() -> fetch("/slow"));
            scope.fork(() -> {
                throw new IllegalStateException("backend down");
            });
            scope.join();
        } catch (FiberScope.FailedException e) {
            // e.getCause(): the IllegalStateException; the slow fetch was cancelled
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // docs:end
        assertThrows(FiberScope.FailedException.class, () -> {
            try (var scope = FiberScope.open()) {
                scope.fork(() -> {
                    throw new IllegalStateException("backend down");
                });
                scope.join();
            }
        });
    }
}
