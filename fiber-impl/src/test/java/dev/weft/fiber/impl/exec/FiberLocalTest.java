package dev.weft.fiber.impl.exec;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberLocal;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.InheritableFiberLocal;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code FiberLocal} is exact per fiber: across suspensions and migrations, and never seen by
 * another fiber on the same carrier, concurrently or later; per thread outside fibers (so per
 * task in the virtual-thread mode); and {@code InheritableFiberLocal} copies values into the
 * fibers a fiber or thread creates.
 */
class FiberLocalTest {

    private static final FiberLocal<String> REQUEST = new FiberLocal<>();

    private static FiberScheduler scheduler(String kind) {
        return switch (kind) {
            case "fifo1" -> Schedulers.fifo(1);
            case "fifo2" -> Schedulers.fifo(2);
            case "ws2" -> Schedulers.workStealing(2);
            default -> Schedulers.workStealing(4);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo2", "ws4"})
    void eachFiberKeepsItsOwnValueAcrossSuspensionsAndMigrations(String kind) throws Exception {
        Queue<String> wrong = new ConcurrentLinkedQueue<>();
        try (FiberScheduler s = scheduler(kind)) {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String mine = "fiber " + i;
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    REQUEST.set(mine);
                    for (int k = 0; k < 20; k++) {
                        if (k % 5 == 4) {
                            Fiber.sleep(Duration.ofNanos(1_000));
                        } else {
                            Fiber.yield();
                        }
                        if (!mine.equals(REQUEST.get())) {
                            wrong.add(mine + " saw " + REQUEST.get());
                        }
                    }
                    return null;
                }));
            }
            Await.joinedAll(fibers);
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong values, e.g. " + wrong.peek());
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw-fifo1", "raw-ws2", "virtual-fifo1", "virtual-ws2"})
    void aValueOneTaskSetsIsNeverSeenByAnotherTaskConcurrentlyOrLater(String mode) throws Exception {
        Queue<String> leaks = new ConcurrentLinkedQueue<>();
        String[] parts = mode.split("-");
        try (FiberScheduler s = scheduler(parts[1])) {
            try (ExecutorService e = parts[0].equals("raw") ? FiberExecutors.newRawFiberPerTaskExecutor(s)
                    : FiberExecutors.newFiberPerTaskExecutor(s)) {
                for (int i = 0; i < 1_000; i++) {
                    String mine = "task " + i;
                    e.execute(() -> {
                        String before = REQUEST.get();
                        if (before != null) {
                            leaks.add(mine + " started with " + before);
                        }
                        REQUEST.set(mine);
                        Fiber.yield(); // other tasks run on this carrier meanwhile
                        if (!mine.equals(REQUEST.get())) {
                            leaks.add(mine + " then saw " + REQUEST.get());
                        }
                        // left set on purpose: the next task on this carrier must not see it
                    });
                }
            }
        }
        assertTrue(leaks.isEmpty(), leaks.size() + " leaks, e.g. " + leaks.peek());
    }

    @Test
    void outsideFibersTheValueIsTheCallingThreads() throws Exception {
        REQUEST.set("test thread");
        try {
            Thread other = Thread.ofPlatform().start(() -> {
                assertNull(REQUEST.get());
                REQUEST.set("other thread");
            });
            other.join();
            assertEquals("test thread", REQUEST.get());
            try (FiberScheduler s = Schedulers.fifo(1)) {
                assertNull(Fiber.builder().scheduler(s).start(REQUEST::get).get(Duration.ofSeconds(30)),
                        "a fiber does not see its creator's plain FiberLocal");
            }
        } finally {
            REQUEST.remove();
        }
        assertNull(REQUEST.get());
    }

    @Test
    void theInitialValueIsComputedOncePerFiberAndAgainAfterRemove() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FiberLocal<Integer> local = FiberLocal.withInitial(calls::incrementAndGet);
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            List<Fiber<int[]>> fibers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fibers.add(Fiber.builder().scheduler(s).start(() -> {
                    int first = local.get();
                    Fiber.yield();
                    int again = local.get();
                    local.remove();
                    int afterRemove = local.get();
                    local.set(null);
                    Integer nullIsAValue = local.get();
                    return new int[] {first, again, afterRemove, nullIsAValue == null ? 1 : 0};
                }));
            }
            for (Fiber<int[]> f : fibers) {
                int[] r = f.get(Duration.ofSeconds(30));
                assertEquals(r[0], r[1], "the initial value is kept");
                assertTrue(r[2] != r[0], "remove() makes get() call initialValue() again");
                assertEquals(1, r[3], "a null set is a value, not 'none'");
            }
        }
        assertEquals(200, calls.get(), "twice per fiber: first get and the get after remove");
    }

    @Test
    void anInheritableValueIsCopiedIntoFibersAtCreationThroughChildValue() throws Exception {
        InheritableFiberLocal<String> trace = new InheritableFiberLocal<>() {
            @Override
            protected String childValue(String parentValue) {
                return parentValue + "/child";
            }
        };
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            trace.set("thread");
            REQUEST.set("not inherited");
            Fiber<String[]> parent = Fiber.builder().scheduler(s).start(() -> {
                String own = trace.get();
                trace.set("parent");
                Fiber<String> child = Fiber.builder().scheduler(s).unstarted(() -> {
                    Fiber.yield();
                    return trace.get() + " " + REQUEST.get();
                });
                trace.set("parent, changed after creating the child");
                child.start();
                return new String[] {own, child.get()};
            });
            String[] r = parent.get(Duration.ofSeconds(30));
            assertEquals("thread/child", r[0], "a fiber inherits from the thread that created it");
            assertEquals("parent/child null", r[1], "from the creating fiber, at creation, and only the inheritable kind");
            assertEquals("thread", trace.get(), "the child's changes are its own");
        } finally {
            trace.remove();
            REQUEST.remove();
        }
    }

    @Test
    void aRawFiberTaskInheritsFromItsSubmitter() throws Exception {
        InheritableFiberLocal<String> tenant = new InheritableFiberLocal<>();
        try (FiberScheduler s = Schedulers.fifo(2); ExecutorService e = FiberExecutors.newRawFiberPerTaskExecutor(s)) {
            tenant.set("tenant-a");
            Future<String> f = e.submit(tenant::get);
            tenant.set("tenant-b");
            Future<String> g = e.submit(tenant::get);
            assertEquals("tenant-a", f.get(30, TimeUnit.SECONDS));
            assertEquals("tenant-b", g.get(30, TimeUnit.SECONDS));
        } finally {
            tenant.remove();
        }
    }
}
