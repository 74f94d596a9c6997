package dev.weft.bench.generator.workload;

import dev.weft.fiber.Suspendable;
import dev.weft.fiber.impl.stackless.StacklessCoroutine;

/**
 * The stackless side of {@code SchedulerYieldBench}: a coroutine that descends {@code depth}
 * frames and yields to its scheduler {@code yields} times from there. Rewritten by the stackless
 * transformer at build time, like everything in this package.
 */
public final class YieldLoops {
    private YieldLoops() {
    }

    /** The coroutine body. */
    public static StacklessCoroutine.Body body(int depth, int yields) {
        return () -> descend(depth, yields);
    }

    @Suspendable
    static void descend(int level, int yields) {
        if (level <= 1) {
            for (int i = 0; i < yields; i++) {
                StacklessCoroutine.yieldNow();
            }
            return;
        }
        descend(level - 1, yields);
    }
}
