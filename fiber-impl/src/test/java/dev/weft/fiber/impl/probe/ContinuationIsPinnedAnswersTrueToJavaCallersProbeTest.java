package dev.weft.fiber.impl.probe;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JDK 25's {@code Continuation.isPinned(scope)}, called from Java, answers {@code true} inside a
 * continuation that holds no monitor, is in no critical section and has no native frame of its
 * own, both interpreted and once compiled: its frame walk starts at the JNI call it is made
 * through, which is a native frame, so it cannot tell Weft whether the JVM (with
 * {@code -XX:LockingMode=1}) counts a held monitor. docs/internals.md, "A join runs an unstarted
 * child in place", relies on this: the legacy mode never runs a join in place.
 * (jdk.internal.vm is imported here, in a probe of the JDK, and in Weft's main code only by
 * {@code StackfulContinuation}.)
 */
class ContinuationIsPinnedAnswersTrueToJavaCallersProbeTest {

    private static final ContinuationScope SCOPE = new ContinuationScope("is-pinned-probe");

    private static boolean pinned() {
        return Continuation.isPinned(SCOPE);
    }

    @Test
    void isPinnedIsTrueInAContinuationThatHoldsNothing() {
        int[] pinned = {0};
        int calls = 50_000; // enough for C2 to compile pinned() and the loop
        Continuation c = new Continuation(SCOPE, () -> {
            for (int i = 0; i < calls; i++) {
                if (pinned()) {
                    pinned[0]++;
                }
            }
        });
        c.run();
        assertTrue(c.isDone());
        assertEquals(calls, pinned[0], "isPinned said false at least once: then it can answer the question after all");
    }

    @Test
    void aYieldInTheSameContinuationIsNotPinned() {
        boolean[] yielded = {false};
        Continuation c = new Continuation(SCOPE, () -> yielded[0] = Continuation.yield(SCOPE));
        c.run();
        assertTrue(!c.isDone(), "the continuation did not yield: it was pinned");
        c.run();
        assertTrue(c.isDone() && yielded[0]);
    }
}
