package dev.weft.fiber.impl.probe;

import dev.weft.fiber.impl.core.StackfulContinuation;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What JDK 25 does with a monitor held by a raw continuation (not a virtual thread) that
 * yields, with the default (lightweight) locking: the facts behind {@code HeldMonitors} and
 * docs/internals.md ("A raw continuation yields while holding monitors"). Raw continuations are
 * used, not fibers, because fibers no longer suspend inside a monitor.
 */
class MonitorOwnerAcrossYieldProbeTest {

    private static final StackfulContinuation.Scope SCOPE = new StackfulContinuation.Scope("monitor-probe");

    /** A continuation that runs {@code body}. */
    private static StackfulContinuation continuation(Runnable body) {
        return new StackfulContinuation(SCOPE) {
            @Override
            protected void enter() {
                body.run();
            }
        };
    }

    /** A continuation that enters {@code monitor} and yields inside it (not started). */
    private static StackfulContinuation yieldingInside(Object monitor) {
        return continuation(() -> {
            synchronized (monitor) {
                StackfulContinuation.yield(SCOPE);
            }
        });
    }

    /**
     * Runs {@code holder} up to its yield on one thread and to its end (leaving the monitor) on
     * another, then lets a third thread try to enter {@code monitor}: the future completes once
     * it has.
     */
    private static CompletableFuture<Boolean> resumeOnTwoThreadsThenEnterFromAThird(
            StackfulContinuation holder, Object monitor) throws InterruptedException {
        Thread first = Thread.ofPlatform().start(holder::resume);
        first.join();
        Thread second = Thread.ofPlatform().start(holder::resume); // leaves the monitor on another thread
        second.join();
        assertTrue(holder.isFinished());
        CompletableFuture<Boolean> third = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            synchronized (monitor) {
                third.complete(true);
            }
        });
        return third;
    }

    /** Inflates {@code monitor}: a {@code wait} needs a full monitor. */
    private static void inflate(Object monitor) throws InterruptedException {
        synchronized (monitor) {
            monitor.wait(1);
        }
    }

    @Test
    void yieldInsideSynchronizedIsNotRefused() {
        Object monitor = new Object();
        AtomicBoolean yielded = new AtomicBoolean();
        StackfulContinuation c = continuation(() -> {
            synchronized (monitor) {
                yielded.set(StackfulContinuation.yield(SCOPE));
            }
        });
        c.resume();
        assertFalse(c.isFinished(), "the continuation did not unmount: the JVM refused (pinned) the yield");
        c.resume();
        assertTrue(c.isFinished() && yielded.get());
    }

    @Test
    void anotherContinuationOnTheSameThreadEntersAnInflatedMonitorHeldByASuspendedOne() throws Exception {
        Object monitor = new Object();
        inflate(monitor);
        StackfulContinuation holder = yieldingInside(monitor);
        holder.resume(); // suspended inside the monitor
        AtomicBoolean entered = new AtomicBoolean();
        StackfulContinuation other = continuation(() -> {
            synchronized (monitor) {
                entered.set(true); // the owner is this thread, so this is a recursive entry
            }
        });
        other.resume();
        assertTrue(entered.get(), "a second continuation on the holder's thread did not enter the monitor");
        holder.resume();
        assertTrue(holder.isFinished());
    }

    @Test
    void anInflatedMonitorLeftOnAnotherThreadStaysHeld() throws Exception {
        Object monitor = new Object();
        inflate(monitor);
        StackfulContinuation holder = yieldingInside(monitor);
        CompletableFuture<Boolean> third = resumeOnTwoThreadsThenEnterFromAThird(holder, monitor);
        boolean enteredWithinAMoment;
        try {
            enteredWithinAMoment = third.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException stillHeld) {
            enteredWithinAMoment = false;
        }
        // The monitor records the first thread as its owner, and leaving it elsewhere does not
        // release it: a third thread waits for good (here: 2 s, a bound, not a timing claim).
        assertFalse(enteredWithinAMoment, "the monitor was released although it was left on another thread");
    }

    @Test
    void aThinMonitorLeftOnAnotherThreadIsReleased() throws Exception {
        Object monitor = new Object(); // never contended, never waited on: stays on the lock stack
        StackfulContinuation holder = yieldingInside(monitor);
        CompletableFuture<Boolean> third = resumeOnTwoThreadsThenEnterFromAThird(holder, monitor);
        assertTrue(third.get(30, TimeUnit.SECONDS), "a thin monitor moved with the continuation's lock stack");
    }
}
