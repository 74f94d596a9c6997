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
 * JDK 25's {@code Continuation.isPinned(scope)}, called from Java inside a continuation, answers
 * {@code true} although the continuation holds no monitor, is in no critical section and has no
 * native frame of its own, while a yield in the same continuation unmounts; outside any
 * continuation it answers {@code false}. The same with {@code -XX:LockingMode=1} (a child JVM) and
 * with {@code -Xint}. So it cannot tell Weft whether the JVM (in the legacy mode, which counts held
 * monitors) would pin a suspension (docs/internals.md, "{@code Continuation.isPinned} answers true
 * inside any continuation"). jdk.internal.vm is imported here, in a probe of the JDK; in Weft's
 * main code only {@code StackfulContinuation} imports it.
 */
class ContinuationIsPinnedAnswersTrueInsideAContinuationProbeTest {

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
    void isPinnedIsTrueInsideAContinuationThatHoldsNothingAndFalseOutside() {
        int calls = 50_000; // long enough a loop for the JIT to compile it (not checked here; -Xint below)
        assertEquals(calls, pinnedAnswersInside(calls), "isPinned said false inside at least once");
        assertFalse(pinned(), "outside any continuation isPinned should say false");
        assertTrue(aYieldUnmounts(), "a yield in the same kind of continuation did not unmount");
    }

    @Test
    void theSameWithLegacyLockingAndInTheInterpreter() throws Exception {
        for (List<String> flags : List.of(List.of("-XX:LockingMode=1"), List.of("-Xint"))) {
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
