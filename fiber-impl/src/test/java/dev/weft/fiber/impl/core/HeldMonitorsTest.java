package dev.weft.fiber.impl.core;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HeldMonitors} finds a held monitor in every shape {@code javac} compiles
 * {@code synchronized} to, and finds none where none is held. Each probe runs on a fresh
 * platform thread, whose stack holds nothing of the test framework's.
 */
class HeldMonitorsTest {

    private final Object lock = new Object();
    private final Object inner = new Object();

    /** Runs {@code probe} on a fresh thread and returns what it returned. */
    private static <T> T onFreshThread(Supplier<T> probe) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(probe.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return result.get();
    }

    private static String method(StackTraceElement e) {
        return e == null ? null : e.getMethodName();
    }

    @Test
    void noMonitorIsFoundWhereNoneIsHeld() throws Exception {
        assertNull(onFreshThread(HeldMonitors::heldBy));
        assertNull(onFreshThread(() -> {
            synchronized (lock) {
                lock.hashCode();
            }
            return HeldMonitors.heldBy(); // after the block
        }));
    }

    @Test
    void aSynchronizedBlockIsFoundInItsOwnFrame() throws Exception {
        StackTraceElement e = onFreshThread(this::insideBlock);
        assertNotNull(e);
        assertEquals("insideBlock", method(e));
        assertEquals(HeldMonitorsTest.class.getName(), e.getClassName());
    }

    private StackTraceElement insideBlock() {
        synchronized (lock) {
            return HeldMonitors.heldBy();
        }
    }

    @Test
    void synchronizedMethodsAreFoundInstanceAndStatic() throws Exception {
        assertEquals("synchronizedMethod", method(onFreshThread(this::synchronizedMethod)));
        assertEquals("staticSynchronizedMethod", method(onFreshThread(HeldMonitorsTest::staticSynchronizedMethod)));
    }

    private synchronized StackTraceElement synchronizedMethod() {
        return HeldMonitors.heldBy();
    }

    private static synchronized StackTraceElement staticSynchronizedMethod() {
        return HeldMonitors.heldBy();
    }

    @Test
    void aMonitorHeldByACallerIsFoundThroughCallsAndLambdas() throws Exception {
        StackTraceElement e = onFreshThread(() -> {
            synchronized (lock) {
                Supplier<StackTraceElement> deeper = () -> notHoldingAnything(3);
                return deeper.get();
            }
        });
        assertNotNull(e, "a monitor held two calls and a lambda below was missed");
        assertTrue(e.getMethodName().startsWith("lambda$"), e.toString());
    }

    private static StackTraceElement notHoldingAnything(int depth) {
        return depth == 0 ? HeldMonitors.heldBy() : notHoldingAnything(depth - 1);
    }

    @Test
    void theOuterMonitorIsStillFoundAfterTheInnerOneIsLeft() throws Exception {
        StackTraceElement e = onFreshThread(() -> {
            synchronized (lock) {
                synchronized (inner) {
                    inner.hashCode();
                }
                return HeldMonitors.heldBy();
            }
        });
        assertNotNull(e);
    }

    @Test
    void aMonitorIsFoundInCatchFinallyLoopsAndSwitches() throws Exception {
        assertNotNull(onFreshThread(this::inCatch), "in a catch block inside synchronized");
        assertNotNull(onFreshThread(this::inFinally), "in a finally block inside synchronized");
        for (int k = 0; k < 6; k++) {
            int key = k;
            assertNotNull(onFreshThread(() -> inSwitchInLoop(key)), "in a switch inside a loop inside synchronized, case " + k);
        }
        assertNull(onFreshThread(this::afterExceptionLeftTheBlock), "after an exception left the block");
    }

    private StackTraceElement inCatch() {
        synchronized (lock) {
            try {
                throw new IllegalStateException("probe");
            } catch (IllegalStateException expected) {
                return HeldMonitors.heldBy();
            }
        }
    }

    private StackTraceElement inFinally() {
        StackTraceElement[] seen = new StackTraceElement[1];
        synchronized (lock) {
            try {
                lock.hashCode();
            } finally {
                seen[0] = HeldMonitors.heldBy();
            }
        }
        return seen[0];
    }

    private StackTraceElement inSwitchInLoop(int key) {
        StackTraceElement found = null;
        for (int i = 0; i < 3; i++) {
            synchronized (lock) {
                switch (key) {
                    case 0 -> found = HeldMonitors.heldBy();
                    case 1, 2 -> {
                        if (i == 2) {
                            found = HeldMonitors.heldBy();
                        }
                    }
                    case 100 -> found = null;
                    default -> {
                        if (i == 1) {
                            found = HeldMonitors.heldBy();
                        }
                    }
                }
            }
        }
        return found;
    }

    private StackTraceElement afterExceptionLeftTheBlock() {
        try {
            synchronized (lock) {
                throw new IllegalStateException("leave");
            }
        } catch (IllegalStateException expected) {
            return HeldMonitors.heldBy();
        }
    }

    @Test
    void aJdkMethodHoldingAMonitorAroundACallbackIsFound() throws Exception {
        List<Integer> list = Collections.synchronizedList(new ArrayList<>(List.of(1)));
        StackTraceElement e = onFreshThread(() -> {
            StackTraceElement[] seen = new StackTraceElement[1];
            list.forEach(x -> seen[0] = HeldMonitors.heldBy()); // SynchronizedCollection.forEach holds its mutex
            return seen[0];
        });
        assertNotNull(e, "the monitor held by Collections.synchronizedList(...).forEach was missed");
        assertEquals("forEach", e.getMethodName());
    }

    /** A scheduler whose one thread runs every task while holding a monitor of its own. */
    private static final class LockingCarrierScheduler extends StubScheduler {
        final Object carrierLock = new Object();
        final java.util.concurrent.LinkedBlockingQueue<Runnable> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        final Thread carrier = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                while (true) {
                    Runnable task = queue.take();
                    synchronized (carrierLock) {
                        task.run();
                    }
                }
            } catch (InterruptedException e) {
                // shut down
            }
        });

        LockingCarrierScheduler() {
            super("locking");
        }

        @Override
        public void execute(Runnable command) {
            queue.add(command);
        }

        @Override
        public void shutdownNow() {
            carrier.interrupt();
        }
    }

    @Test
    void aMonitorTheCarrierHoldsBelowTheFiberIsNotTheFibers() throws Exception {
        LockingCarrierScheduler s = new LockingCarrierScheduler();
        try {
            // A lambda of this class on the fiber's stack: its class has synchronized methods, so
            // the precise walk runs; it must stop at the fiber's entry and not report the
            // carrier's own monitor below it.
            Fiber<StackTraceElement> outside = Fiber.builder().scheduler(s).start(() -> notHoldingAnything(2));
            Fiber<StackTraceElement> inside = Fiber.builder().scheduler(s).start((Callable<StackTraceElement>) this::insideBlock);
            assertNull(outside.get(Duration.ofSeconds(30)), "the carrier's monitor was taken for the fiber's");
            assertEquals("insideBlock", method(inside.get(Duration.ofSeconds(30))));
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void insideAFiberOnlyTheFibersFramesCount() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<StackTraceElement> outside = Fiber.builder().scheduler(s).start((Callable<StackTraceElement>) HeldMonitors::heldBy);
            Fiber<StackTraceElement> inside = Fiber.builder().scheduler(s).start((Callable<StackTraceElement>) this::insideBlock);
            assertNull(outside.get(Duration.ofSeconds(30)), "the carrier's own frames were taken for the fiber's");
            assertEquals("insideBlock", method(inside.get(Duration.ofSeconds(30))));
        }
    }
}
