package dev.weft.fiber.impl.probe;

import dev.weft.fiber.impl.ChildJvm;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JDK 25's {@code Continuation.isPinned(scope)}, called from Java inside a continuation that holds
 * no monitor, is in no critical section and has no native frame of its own, does not answer from
 * the continuation's state: in the interpreter ({@code -Xint}, with either locking mode) it answers
 * {@code true} every time, while a yield in the same kind of continuation unmounts; in the
 * long-running JVM of the whole test suite it answered {@code false} 50,000 times of 50,000; outside
 * any continuation it answers {@code false}. So it cannot tell Weft whether the JVM (in the legacy
 * mode, which counts held monitors) would pin a suspension (docs/internals.md,
 * "{@code Continuation.isPinned} does not answer from the continuation's state"). jdk.internal.vm is
 * imported here, in a probe of the JDK; in Weft's main code only {@code StackfulContinuation}
 * imports it.
 */
class ContinuationIsPinnedAnswerDependsOnTheJvmsStateProbeTest {

    private static final ContinuationScope SCOPE = new ContinuationScope("is-pinned-probe");

    private static boolean pinned() {
        return Continuation.isPinned(SCOPE);
    }

    /** Calls of {@link #pinned()} inside a continuation that answered true, out of {@code calls}. */
    private static int pinnedAnswersInside(int calls) {
        int[] pinned = {0};
        Continuation c = new Continuation(SCOPE, () -> {
            for (int i = 0; i < calls; i++) {
                if (pinned()) {
                    pinned[0]++;
                }
            }
        });
        c.run();
        if (!c.isDone()) {
            throw new AssertionError("the probe continuation did not run to its end");
        }
        return pinned[0];
    }

    /** Whether a yield in a continuation of the same scope unmounts it. */
    private static boolean aYieldUnmounts() {
        Continuation c = new Continuation(SCOPE, () -> Continuation.yield(SCOPE));
        c.run();
        boolean suspended = !c.isDone();
        if (suspended) {
            c.run();
        }
        return suspended && c.isDone();
    }

    @Test
    void outsideAnyContinuationIsPinnedIsFalseAndAYieldInsideOneUnmounts() {
        assertFalse(pinned(), "outside any continuation isPinned should say false");
        assertTrue(aYieldUnmounts(), "a yield in a continuation that holds nothing did not unmount");
    }

    @Test
    void inTheInterpreterIsPinnedIsTrueInsideAContinuationThatHoldsNothingWithEitherLockingMode() throws Exception {
        for (List<String> flags : List.of(List.of("-Xint"), List.of("-Xint", "-XX:LockingMode=1"))) {
            ChildJvm.Result r = ChildJvm.run(flags, Child.class);
            assertEquals(0, r.exitCode(), flags + ": " + r.output());
            assertTrue(r.output().contains("pinned inside 2000 of 2000, outside false, yield unmounts true"), flags + ": " + r.output());
        }
    }

    /** Run in a child JVM with the flags under test. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("pinned inside " + pinnedAnswersInside(2_000) + " of 2000, outside " + pinned()
                    + ", yield unmounts " + aYieldUnmounts());
        }
    }
}
