package dev.weft.bench.spawn;

import dev.weft.bench.LegacyLockingScheduler;
import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinContenders;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.StackfulContinuation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;

/**
 * Skynet: how long does a tree of {@value #LEAVES} tasks take, where every inner task spawns
 * {@value #FAN_OUT} children and sums their results and every leaf returns its index?
 *
 * <p>One operation is the whole tree (1,111,111 tasks). Every result is checked against the
 * closed form, so a broken contender fails instead of reporting a fast wrong answer. The
 * baseline is virtual threads, the JDK's task-per-thread answer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SkynetBench {
    /** Leaves of the tree. */
    public static final int LEAVES = 1_000_000;
    /** Children per inner node. */
    public static final int FAN_OUT = 10;
    /** The sum of 0 .. LEAVES-1. */
    public static final long EXPECTED = (long) LEAVES * (LEAVES - 1) / 2;

    /** A Weft scheduler, one per trial. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"workStealing1", "workStealing2", "fifo1", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;

        @Setup(Level.Trial)
        public void setUp() {
            fiberScheduler = SchedulerSpec.open(scheduler);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fiberScheduler.close();
        }
    }

    /** A two-thread fork/join pool. */
    @State(Scope.Benchmark)
    public static class PoolState {
        ForkJoinPool pool;

        @Setup(Level.Trial)
        public void setUp() {
            pool = new ForkJoinPool(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.shutdownNow();
        }
    }

    static long checked(long sum) {
        if (sum != EXPECTED) {
            throw new IllegalStateException("skynet computed " + sum + ", expected " + EXPECTED);
        }
        return sum;
    }

    /** Baseline: one virtual thread per node. */
    @Benchmark
    public long baselineVirtualThread() throws InterruptedException {
        long[] result = new long[1];
        Thread root = Thread.ofVirtual().start(() -> result[0] = virtualNode(0, LEAVES));
        root.join();
        return checked(result[0]);
    }

    private static long virtualNode(long first, long size) {
        if (size == 1) {
            return first;
        }
        long childSize = size / FAN_OUT;
        long[] sums = new long[FAN_OUT];
        Thread[] children = new Thread[FAN_OUT];
        for (int i = 0; i < FAN_OUT; i++) {
            int index = i;
            long childFirst = first + i * childSize;
            children[i] = Thread.ofVirtual().start(() -> sums[index] = virtualNode(childFirst, childSize));
        }
        long sum = 0;
        try {
            for (int i = 0; i < FAN_OUT; i++) {
                children[i].join();
                sum += sums[i];
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("skynet interrupted", e);
        }
        return sum;
    }

    /** One Weft fiber per node on the chosen scheduler. */
    @Benchmark
    public long weft(WeftState state) throws ExecutionException, InterruptedException {
        FiberScheduler scheduler = state.fiberScheduler;
        return checked(Fiber.builder().scheduler(scheduler).start(() -> fiberNode(scheduler, 0, LEAVES)).get());
    }

    /** The {@link #weft} row in a JVM with legacy locking: no held-monitor walk ({@link LegacyLockingScheduler}). */
    @Benchmark
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public long weftLegacyLocking(LegacyLockingScheduler state) throws ExecutionException, InterruptedException {
        FiberScheduler scheduler = state.fiberScheduler();
        return checked(Fiber.builder().scheduler(scheduler).start(() -> fiberNode(scheduler, 0, LEAVES)).get());
    }

    private static long fiberNode(FiberScheduler scheduler, long first, long size)
            throws ExecutionException, InterruptedException {
        if (size == 1) {
            return first;
        }
        long childSize = size / FAN_OUT;
        List<Fiber<Long>> children = new ArrayList<>(FAN_OUT);
        for (int i = 0; i < FAN_OUT; i++) {
            long childFirst = first + i * childSize;
            children.add(Fiber.builder().scheduler(scheduler).start(() -> fiberNode(scheduler, childFirst, childSize)));
        }
        long sum = 0;
        for (Fiber<Long> child : children) {
            sum += child.get();
        }
        return sum;
    }

    /**
     * The floor: the same tree of {@value #LEAVES} leaves as raw continuations (no Weft, no
     * scheduler object, no fiber state), run by one thread from a plain {@link ArrayDeque}. Each
     * inner node spawns its ten children, suspends once, and is resumed once, when its last child
     * has ended; the loop adds each child's result into its parent. What is left is the physical
     * cost of creating, running and suspending a continuation per node, which every stackful
     * contender pays at least.
     */
    @Benchmark
    public long floorRawContinuations() {
        return checked(FloorNode.run(LEAVES));
    }

    /**
     * {@link #floorRawContinuations} in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}),
     * the floor of the {@link #weftLegacyLocking} rows.
     */
    @Benchmark
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public long floorRawContinuationsLegacyLocking() {
        return checked(FloorNode.run(LEAVES));
    }

    /** A node of {@link #floorRawContinuations}; its fields are written by its own frames and by the one driving thread. */
    static final class FloorNode extends StackfulContinuation {
        static final Scope SCOPE = new Scope("bench-skynet-floor");
        private final ArrayDeque<FloorNode> ready;
        private final FloorNode parent;
        private final long first;
        private final long size;
        private int pendingChildren;
        private long sum;

        private FloorNode(ArrayDeque<FloorNode> ready, FloorNode parent, long first, long size) {
            super(SCOPE);
            this.ready = ready;
            this.parent = parent;
            this.first = first;
            this.size = size;
        }

        @Override
        protected void enter() {
            if (size == 1) {
                sum = first;
                return;
            }
            long childSize = size / FAN_OUT;
            pendingChildren = FAN_OUT;
            for (int i = 0; i < FAN_OUT; i++) {
                ready.addLast(new FloorNode(ready, this, first + i * childSize, childSize));
            }
            StackfulContinuation.yield(SCOPE); // resumed once every child has added its sum
        }

        /** Runs the tree of {@code leaves} leaves to completion on the calling thread; its sum. */
        static long run(long leaves) {
            ArrayDeque<FloorNode> ready = new ArrayDeque<>();
            FloorNode root = new FloorNode(ready, null, 0, leaves);
            ready.addLast(root);
            FloorNode n;
            while ((n = ready.pollLast()) != null) { // newest first, as a work-stealing carrier runs its own work
                n.resume();
                if (n.isFinished()) {
                    FloorNode p = n.parent;
                    if (p != null) {
                        p.sum += n.sum;
                        if (--p.pendingChildren == 0) {
                            ready.addLast(p);
                        }
                    }
                }
            }
            return root.sum;
        }
    }

    /** One Kotlin coroutine per node ({@code async}/{@code awaitAll} on {@code Dispatchers.Default}). */
    @Benchmark
    public long kotlin() {
        return checked(KotlinContenders.skynet(LEAVES, FAN_OUT));
    }

    /** One fork/join task per node. */
    @Benchmark
    public long forkJoinPool(PoolState state) {
        return checked(state.pool.invoke(new Node(0, LEAVES)));
    }

    private static final class Node extends RecursiveTask<Long> {
        private final long first;
        private final long size;

        Node(long first, long size) {
            this.first = first;
            this.size = size;
        }

        @Override
        protected Long compute() {
            if (size == 1) {
                return first;
            }
            long childSize = size / FAN_OUT;
            Node[] children = new Node[FAN_OUT];
            for (int i = 0; i < FAN_OUT; i++) {
                children[i] = new Node(first + i * childSize, childSize);
                children[i].fork();
            }
            long sum = 0;
            for (int i = FAN_OUT - 1; i >= 0; i--) {
                sum += children[i].join();
            }
            return sum;
        }
    }
}
