package dev.weft.bench.generator.workload;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.impl.stackless.StacklessCoroutine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spawn+join and skynet on a Weft scheduler, as fibers or as stackless coroutines, for
 * {@code SchedulerSpawnBench}.
 *
 * <h2>Implementation overview</h2>
 * A stackless coroutine has no {@code join}: it has a completion future and, like a fiber,
 * {@code park}/{@code unpark}. So both backends wait for their children in the same way here,
 * with a {@link Pending} count: every child decrements it when it ends and the one that brings it
 * to zero unparks the parent, which parks until it reads zero (the decrement is a volatile write
 * the parent's volatile read pairs with, which also publishes the children's results). The
 * stackful side could use {@code Fiber.join}; it uses the same count so that the two backends
 * differ only in how a task suspends, not in the join protocol. The stackless code is rewritten
 * by the transformer (this package is); the stackful code calls nothing {@code @Suspendable}, so
 * it is left as written.
 */
public final class SpawnTrees {
    /** Children per inner skynet node. */
    public static final int FAN_OUT = 10;

    private SpawnTrees() {
    }

    /** Children still running, and the parent to unpark when the last one ends. */
    private static final class Pending extends AtomicInteger {
        private final Object parent;

        Pending(int children, Object parent) {
            super(children);
            this.parent = parent;
        }

        /** Called by a child as its last action. */
        void childEnded() {
            if (decrementAndGet() == 0) {
                if (parent instanceof StacklessCoroutine c) {
                    c.unpark();
                } else {
                    ((Fiber<?>) parent).unpark();
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------
    // Spawn+join: a parent, {@code depth} frames deep, spawns an empty child and waits for it.

    /** A fiber that descends {@code depth} frames, then spawns and joins {@code spawns} empty fibers one by one. */
    public static int stackfulSpawnJoin(FiberScheduler scheduler, int depth, int spawns)
            throws ExecutionException, InterruptedException {
        return Fiber.builder().scheduler(scheduler).start(() -> stackfulParent(scheduler, depth, spawns)).get();
    }

    private static int stackfulParent(FiberScheduler scheduler, int level, int spawns) {
        if (level > 1) {
            return stackfulParent(scheduler, level - 1, spawns);
        }
        Fiber<?> self = Fiber.current();
        for (int i = 0; i < spawns; i++) {
            Pending child = new Pending(1, self);
            Fiber.builder().scheduler(scheduler).start(child::childEnded);
            while (child.get() != 0) {
                Fiber.park();
            }
        }
        return spawns;
    }

    /** The same as a stackless coroutine spawning stackless coroutines; returns the children joined. */
    public static int stacklessSpawnJoin(FiberScheduler scheduler, int depth, int spawns)
            throws ExecutionException, InterruptedException {
        int[] joined = new int[1];
        StacklessCoroutine.start(scheduler, () -> joined[0] = stacklessParent(scheduler, depth, spawns)).completion().get();
        return joined[0];
    }

    @Suspendable
    private static int stacklessParent(FiberScheduler scheduler, int level, int spawns) {
        if (level > 1) {
            return stacklessParent(scheduler, level - 1, spawns);
        }
        StacklessCoroutine self = StacklessCoroutine.current();
        for (int i = 0; i < spawns; i++) {
            Pending child = new Pending(1, self);
            StacklessCoroutine.start(scheduler, child::childEnded);
            while (child.get() != 0) {
                StacklessCoroutine.park();
            }
        }
        return spawns;
    }

    // ----------------------------------------------------------------------------------------
    // Skynet: every inner node spawns FAN_OUT children and sums their results; leaf i returns i.

    /** Skynet of {@code leaves} leaves (a power of {@value #FAN_OUT}) as one fiber per node; the sum of the leaves. */
    public static long stackfulSkynet(FiberScheduler scheduler, int leaves) throws ExecutionException, InterruptedException {
        return Fiber.builder().scheduler(scheduler).start(() -> stackfulNode(scheduler, 0, leaves)).get();
    }

    private static long stackfulNode(FiberScheduler scheduler, long first, long size) {
        if (size == 1) {
            return first;
        }
        long childSize = size / FAN_OUT;
        long[] sums = new long[FAN_OUT];
        Pending pending = new Pending(FAN_OUT, Fiber.current());
        for (int i = 0; i < FAN_OUT; i++) {
            int index = i;
            long childFirst = first + i * childSize;
            Fiber.builder().scheduler(scheduler).start(() -> {
                sums[index] = stackfulNode(scheduler, childFirst, childSize);
                pending.childEnded();
            });
        }
        while (pending.get() != 0) {
            Fiber.park();
        }
        long sum = 0;
        for (long s : sums) {
            sum += s;
        }
        return sum;
    }

    /** Skynet of {@code leaves} leaves as one stackless coroutine per node; the sum of the leaves. */
    public static long stacklessSkynet(FiberScheduler scheduler, int leaves) throws ExecutionException, InterruptedException {
        long[] sum = new long[1];
        StacklessCoroutine.start(scheduler, () -> sum[0] = stacklessNode(scheduler, 0, leaves)).completion().get();
        return sum[0];
    }

    @Suspendable
    private static long stacklessNode(FiberScheduler scheduler, long first, long size) {
        if (size == 1) {
            return first;
        }
        long childSize = size / FAN_OUT;
        long[] sums = new long[FAN_OUT];
        Pending pending = new Pending(FAN_OUT, StacklessCoroutine.current());
        for (int i = 0; i < FAN_OUT; i++) {
            int index = i;
            long childFirst = first + i * childSize;
            StacklessCoroutine.start(scheduler, () -> {
                sums[index] = stacklessNode(scheduler, childFirst, childSize);
                pending.childEnded();
            });
        }
        while (pending.get() != 0) {
            StacklessCoroutine.park();
        }
        long sum = 0;
        for (long s : sums) {
            sum += s;
        }
        return sum;
    }
}
