package dev.weft.fiber.impl;

import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.diag.Diagnostics;
import dev.weft.fiber.impl.exec.FiberLocals;
import dev.weft.fiber.impl.sched.CarrierPool;
import dev.weft.fiber.impl.sched.FifoScheduler;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import dev.weft.fiber.impl.sim.FiberView;
import dev.weft.fiber.impl.sim.SeededScheduler;
import dev.weft.fiber.spi.FiberProvider;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * The implementation of {@code fiber-api}, found by {@link java.util.ServiceLoader}.
 *
 * <p>Its constructor checks, before any class that extends the JDK's internal continuation is
 * loaded, that the JVM exports {@code jdk.internal.vm} to Weft; without that flag, loading
 * those classes would fail with a bare {@code IllegalAccessError}.
 */
public final class WeftFiberProvider implements FiberProvider {

    /** The flag, as a user types it on a {@code java} command line. */
    public static final String REQUIRED_FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    public WeftFiberProvider() {
        Module base = Object.class.getModule();
        Module weft = WeftFiberProvider.class.getModule();
        if (!base.isExported("jdk.internal.vm", weft)) {
            // On the class path the flag names ALL-UNNAMED; on the module path, Weft's module.
            String flag = weft.isNamed() ? "--add-exports java.base/jdk.internal.vm=" + weft.getName() : REQUIRED_FLAG;
            throw new IllegalStateException("Weft needs access to jdk.internal.vm, which this JVM does not export. "
                    + "Start the JVM with:  " + flag
                    + "  (Maven Surefire/exec: add it to argLine or the java arguments; an executable JAR: "
                    + "manifest attribute 'Add-Exports: java.base/jdk.internal.vm'). See Weft's README.");
        }
        try {
            Diagnostics.install(); // the scheduler MBeans and JFR hooks, before the first scheduler exists
        } catch (LinkageError noModule) {
            // a run-time image without jdk.jfr or java.management: fibers work, without diagnostics
        }
    }

    /** The default scheduler, created on first use. */
    private static final class DefaultScheduler {
        static final FiberScheduler INSTANCE =
                new WorkStealingScheduler(Runtime.getRuntime().availableProcessors(),
                        CarrierPool.DEFAULT_MAX_COMPENSATING, false);
    }

    @Override
    public <V> Fiber<V> newFiber(Callable<V> task, String name, FiberScheduler scheduler,
                                 Fiber.UncaughtExceptionHandler handler, boolean carrierAffinity) {
        return FiberLocals.inherit(new FiberImpl<>(task, name, schedulerOrDefault(scheduler),
                handler, carrierAffinity));
    }

    @Override
    public Fiber<Void> newFiber(Runnable task, String name, FiberScheduler scheduler,
                                Fiber.UncaughtExceptionHandler handler, boolean carrierAffinity) {
        // Kept unwrapped (FiberImpl runs it as the continuation's first frame: one object and
        // two frames fewer per fiber), unless it is also a Callable, which FiberImpl would call as one.
        Object body = task instanceof Callable<?> ? (Callable<Void>) () -> {
            task.run();
            return null;
        } : task;
        return FiberLocals.inherit(new FiberImpl<>(body, name, schedulerOrDefault(scheduler),
                handler, carrierAffinity));
    }

    /**
     * The scheduler of a fiber started without one: the default scheduler, except inside a fiber of
     * a deterministic scheduler, whose fibers stay on it (so code under test that starts fibers with
     * {@code Fiber.start} is explored with the rest).
     */
    private static FiberScheduler schedulerOrDefault(FiberScheduler scheduler) {
        if (scheduler != null) {
            return scheduler;
        }
        FiberImpl<?> current = FiberImpl.current();
        if (current != null && current.scheduler() instanceof DeterministicScheduler d) {
            return d;
        }
        return DefaultScheduler.INSTANCE;
    }

    /** The deterministic scheduler's view of the fibers it runs (it may not name the core itself). */
    private static final FiberView FIBER_VIEW = new FiberView() {
        @Override
        public Fiber<?> fiberOf(Runnable task) {
            return task instanceof FiberImpl.Task t ? t.fiber() : null;
        }

        @Override
        public StackTraceElement[] stackOf(Runnable task) {
            return task instanceof FiberImpl.Task t ? t.fiber().suspendedStackTrace() : new StackTraceElement[0];
        }
    };

    @Override
    public Fiber<?> currentFiber() {
        return FiberImpl.current();
    }

    @Override
    public void yieldCurrent() {
        if (!FiberImpl.yieldCurrent()) {
            Thread.yield();
        }
    }

    @Override
    public void sleepCurrent(long nanos) throws InterruptedException {
        if (!FiberImpl.sleepCurrent(nanos)) {
            Thread.sleep(java.time.Duration.ofNanos(nanos));
        }
    }

    @Override
    public void parkCurrent(long nanos) {
        if (FiberImpl.parkCurrent(nanos)) {
            return;
        }
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        } else {
            LockSupport.park();
        }
    }

    @Override
    public boolean interruptedCurrent() {
        return FiberImpl.interruptedCurrent();
    }

    @Override
    public FiberScheduler workStealing(int parallelism) {
        return new WorkStealingScheduler(parallelism);
    }

    @Override
    public FiberScheduler fifo(int parallelism) {
        return new FifoScheduler(parallelism);
    }

    @Override
    public DeterministicScheduler deterministic(long seed, DeterministicScheduler.Strategy strategy,
                                                DeterministicScheduler.Trace replay) {
        return new SeededScheduler(seed, strategy, replay, FIBER_VIEW);
    }

    @Override
    public FiberScheduler defaultScheduler() {
        return DefaultScheduler.INSTANCE;
    }
}
