package dev.weft.fiber.impl.probe;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.core.StackfulContinuation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a {@code ThreadLocal} and a {@code ScopedValue} binding (final in JDK 25) do in a raw
 * continuation that suspends on one thread and resumes on another: the facts behind
 * {@code FiberLocal} and docs/internals.md ("ThreadLocal and ScopedValue in raw fibers"). The
 * continuation is resumed on two explicit platform threads, so the migration is certain.
 *
 * <p>In short: a {@code ThreadLocal} belongs to the carrier, so it leaks to whatever runs next
 * on it and is lost by a migration. A {@code ScopedValue} binding lives in the carrier's bindings
 * too: while the continuation is suspended its carrier (and the next fiber on it) sees it; after a
 * migration the continuation sees its own binding only if the value was in its scoped-value cache
 * (it read it before suspending), else the new carrier's; and ending the binding after a
 * migration puts the first carrier's bindings on the second.
 */
class ThreadLocalsAcrossSuspensionProbeTest {
    private static final StackfulContinuation.Scope SCOPE = new StackfulContinuation.Scope("locals-probe");
    private static final ThreadLocal<String> LOCAL = new ThreadLocal<>();
    private static final ScopedValue<String> SCOPED = ScopedValue.newInstance();

    private static String scoped() {
        return SCOPED.isBound() ? SCOPED.get() : "unbound";
    }

    /**
     * The scenario, once: a continuation sets the thread local and binds the scoped value, yields
     * inside the binding on a thread with a binding of its own, resumes on a second thread with
     * another binding, ends its binding there. Each key is what one party saw.
     */
    private static Map<String, String> migrateInsideABinding() throws InterruptedException {
        return migrateInsideABinding(false);
    }

    /** As above; {@code readBeforeYield}: the continuation reads the scoped value before it yields. */
    private static Map<String, String> migrateInsideABinding(boolean readBeforeYield) throws InterruptedException {
        Map<String, String> seen = new ConcurrentHashMap<>();
        StackfulContinuation c = new StackfulContinuation(SCOPE) {
            @Override
            protected void enter() {
                LOCAL.set("continuation");
                ScopedValue.where(SCOPED, "continuation").run(() -> {
                    if (readBeforeYield) {
                        seen.put("continuation's binding before the yield", scoped());
                    }
                    StackfulContinuation.yield(SCOPE);
                    seen.put("continuation's local after migrating", String.valueOf(LOCAL.get()));
                    seen.put("continuation's binding after migrating", scoped());
                });
                seen.put("continuation after its binding ended", scoped());
            }
        };
        Thread first = Thread.ofPlatform().start(() -> {
            LOCAL.set("first thread");
            ScopedValue.where(SCOPED, "first thread").run(() -> {
                c.resume();
                seen.put("first thread's local after the yield", String.valueOf(LOCAL.get()));
                seen.put("first thread's binding after the yield", scoped());
            });
        });
        first.join();
        Thread second = Thread.ofPlatform().start(() -> ScopedValue.where(SCOPED, "second thread").run(() -> {
            c.resume();
            seen.put("second thread's binding after the continuation ended", scoped());
        }));
        second.join();
        return seen;
    }

    @Test
    void aThreadLocalSetInAContinuationStaysWithTheCarrierAndIsLostByMigration() throws Exception {
        Map<String, String> seen = migrateInsideABinding();
        assertEquals("continuation", seen.get("first thread's local after the yield"), "the value leaked to the carrier");
        assertEquals("null", seen.get("continuation's local after migrating"), "the continuation sees the new carrier's value");
    }

    @Test
    void afterMigrationAContinuationSeesItsOwnBindingOnlyIfItReadTheValueBeforeSuspending() throws Exception {
        // The binding is looked up in the carrier's bindings, unless it is in the per-thread
        // cache, which Continuation saves at unmount and restores at mount
        // (jdk.preserveScopedValueCache, default true): what the fiber sees depends on its past reads.
        assertEquals("continuation", migrateInsideABinding(true).get("continuation's binding after migrating"),
                "read before: the cached binding");
        assertEquals("second thread", migrateInsideABinding(false).get("continuation's binding after migrating"),
                "not read before: the new carrier's binding");
    }

    @Test
    void whileSuspendedInsideABindingTheCarrierSeesTheContinuationsBinding() throws Exception {
        assertEquals("continuation", migrateInsideABinding().get("first thread's binding after the yield"),
                "the carrier's own binding ('first thread') is hidden by the suspended one");
    }

    @Test
    void endingABindingAfterMigrationPutsTheFirstCarriersBindingsOnTheSecond() throws Exception {
        Map<String, String> seen = migrateInsideABinding();
        assertEquals("first thread", seen.get("continuation after its binding ended"));
        assertEquals("first thread", seen.get("second thread's binding after the continuation ended"),
                "the second thread's own binding ('second thread') was replaced");
    }

    /**
     * What {@code body} returns in a fiber that ran on {@code carrier}: fibers are started until
     * one lands there (a compensating carrier, started while the JIT is cold, may take some).
     */
    private static <T> T inAFiberOn(FiberScheduler scheduler, Thread carrier, java.util.concurrent.Callable<T> body)
            throws Exception {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            Object[] result = Fiber.builder().scheduler(scheduler)
                    .start(() -> new Object[] {Thread.currentThread(), body.call()}).get(Duration.ofSeconds(30));
            if (result[0] == carrier) {
                @SuppressWarnings("unchecked")
                T t = (T) result[1];
                return t;
            }
        }
        throw new AssertionError("no fiber ran on " + carrier + " in 1,000 attempts");
    }

    @Test
    void aThreadLocalSetByAParkedFiberIsSeenByTheNextFiberOnItsCarrierEvenAfterItEnded() throws Exception {
        ThreadLocal<String> requestId = new ThreadLocal<>();
        try (FiberScheduler one = Schedulers.fifo(1)) {
            CountDownLatch aSet = new CountDownLatch(1);
            Thread[] aCarrier = new Thread[1];
            java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
            Fiber<Void> a = Fiber.builder().scheduler(one).start(() -> {
                requestId.set("request of fiber a");
                aCarrier[0] = Thread.currentThread(); // before any suspension: not stale
                aSet.countDown();
                while (!released.get()) {
                    Fiber.park();
                }
            });
            try {
                aSet.await();
                assertEquals("request of fiber a", inAFiberOn(one, aCarrier[0], requestId::get),
                        "isolation broken while a is parked");
            } finally {
                released.set(true);
                a.unpark();
                a.join();
            }
            assertEquals("request of fiber a", inAFiberOn(one, aCarrier[0], requestId::get), "still there after a ended");
        }
    }
}
