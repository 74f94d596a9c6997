package dev.weft.fiber.impl.stackless.samples;

import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;
import dev.weft.fiber.impl.stackless.StacklessCoroutine;
import dev.weft.fiber.impl.stackless.UntransformedHelper;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Stackless coroutine and generator bodies for the runtime tests (loaded transformed). */
public final class CoroutineBodies {
    private CoroutineBodies() {
    }

    /** Adds 1 to {@code counter}, then yields, {@code steps} times; logs the thread of each step if {@code threads} is non-null. */
    public static StacklessCoroutine.Body counting(AtomicLong counter, int steps, List<String> threads) {
        return () -> {
            for (int i = 0; i < steps; i++) {
                counter.incrementAndGet();
                if (threads != null) {
                    threads.add(Thread.currentThread().getName());
                }
                pause(i);
            }
        };
    }

    @Suspendable
    static void pause(int i) {
        StacklessCoroutine.yieldNow();
    }

    /** Yields once, then throws. */
    public static StacklessCoroutine.Body failing() {
        return () -> {
            StacklessCoroutine.yieldNow();
            throw new IllegalStateException("coroutine failed");
        };
    }

    /** Keeps its yielder in {@code escaped} and yields once. */
    public static GeneratorBody<Integer> leaksYielder(AtomicReference<Yielder<Integer>> escaped) {
        return y -> {
            escaped.set(y);
            y.yield(1);
        };
    }

    /** Yields through a helper class the transformer never saw. */
    public static GeneratorBody<Integer> throughUntransformedHelper() {
        return y -> {
            UntransformedHelper.yieldTwice(y);
            y.yield(3);
        };
    }

    /** Allocates a large array, publishes a weak reference to it, and yields after its last use. */
    public static GeneratorBody<Integer> deadBeforeYield(AtomicReference<WeakReference<Object>> published) {
        return y -> {
            Object big = new byte[1 << 20];
            published.set(new WeakReference<>(big));
            y.yield(1);
            y.yield(2);
        };
    }

    /** A generator body that tries to suspend the coroutine API instead of yielding. */
    public static GeneratorBody<Integer> coroutineYieldInGenerator() {
        return y -> StacklessCoroutine.yieldNow();
    }

    /** Adds 1 to {@code counter}, then parks, {@code rounds} times. */
    public static StacklessCoroutine.Body parking(AtomicLong counter, int rounds) {
        return () -> {
            for (int i = 0; i < rounds; i++) {
                counter.incrementAndGet();
                parkAt(i);
            }
        };
    }

    @Suspendable
    static void parkAt(int i) {
        StacklessCoroutine.park();
    }

    /**
     * Member {@code index} of a ring of {@code members.length} coroutines passing a token
     * {@code rounds} times each: parks until {@code holder} names it, counts a hop, names the next
     * member and unparks it.
     */
    public static StacklessCoroutine.Body ringMember(int index, StacklessCoroutine[] members, AtomicInteger holder,
                                                     int rounds, AtomicLong hops) {
        return () -> {
            int next = (index + 1) % members.length;
            for (int r = 0; r < rounds; r++) {
                while (holder.get() != index) {
                    StacklessCoroutine.park();
                }
                hops.incrementAndGet();
                holder.set(next);
                members[next].unpark();
            }
        };
    }
}
