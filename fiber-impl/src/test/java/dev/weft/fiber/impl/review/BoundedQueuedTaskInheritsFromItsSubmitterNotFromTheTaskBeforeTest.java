package dev.weft.fiber.impl.review;

import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.InheritableFiberLocal;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a bounded executor a queued task is started by the task whose end frees its slot. Its
 * strand must still inherit (InheritableFiberLocal, InheritableThreadLocal) from the task's
 * submitter, as the unbounded executor's and the JDK's thread-per-task executor's do, never from
 * the task that happened to finish before it: that would leak one task's values into another.
 */
class BoundedQueuedTaskInheritsFromItsSubmitterNotFromTheTaskBeforeTest {

    static final InheritableFiberLocal<String> FIBER_LOCAL = new InheritableFiberLocal<>();
    static final InheritableThreadLocal<String> THREAD_LOCAL = new InheritableThreadLocal<>();

    @Test
    void rawFiberMode() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            check(FiberExecutors.newRawFiberPerTaskExecutor(s, 1), true);
        }
    }

    @Test
    void virtualThreadMode() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            check(FiberExecutors.newFiberPerTaskExecutor(s, 1), false);
        }
    }

    private static void check(ExecutorService e, boolean fiberLocal) throws Exception {
        try (e) {
            CountDownLatch release = new CountDownLatch(1);
            Future<?> first = e.submit(() -> {
                if (fiberLocal) {
                    FIBER_LOCAL.set("the first task's");
                } else {
                    THREAD_LOCAL.set("the first task's");
                }
                assertTrue(release.await(5, TimeUnit.SECONDS));
                return null;
            });
            Future<String> second = e.submit(() -> fiberLocal ? FIBER_LOCAL.get() : THREAD_LOCAL.get());
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
            assertEquals(null, second.get(5, TimeUnit.SECONDS), "the queued task saw the previous task's value");
        }
    }
}
