package dev.weft.fiber.impl.sync;

import dev.weft.fiber.FiberLock;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link FiberLock}'s non-waiting operations with lincheck, against a
 * sequential model of a reentrant lock with a per-owner hold count.
 *
 * <p><b>Owners.</b> Lincheck runs operations from threads, and a sequential model cannot ask which
 * thread called it. So each owner is a non-parallel group: lincheck assigns the non-parallel
 * groups to threads one to one (the i-th group to thread i modulo the thread count; two groups,
 * two threads), so every operation of group {@code a} runs on one thread and every operation of
 * {@code b} on the other, and the model gives each group its own identity. {@link #bind} checks
 * the assignment (a broken one would throw and fail the test, not pass it silently). There is no
 * init or post part (lincheck runs those on other threads).
 *
 * <p><b>Only the non-waiting operations</b> ({@code tryLock}, {@code unlock}, the queries):
 * lincheck 3.7 models blocking only for Kotlin {@code suspend} operations (the dual data
 * structures formalism); an operation that parks a thread until another one acts has no
 * sequential meaning it can check (JetBrains/lincheck issue 167, "Support blocking operations for
 * threads", open). The waiting paths are covered by the stress tests in {@link FiberLockTest}.
 */
public class FiberLockLincheckTest {
    private final FiberLock lock = new FiberLock(false);
    private final FiberLock fairLock = new FiberLock(true);
    private volatile Thread threadA;
    private volatile Thread threadB;

    private void bind(String group) {
        Thread me = Thread.currentThread();
        if (group.equals("a")) {
            if (threadA == null) {
                threadA = me;
            }
            if (threadA != me || threadB == me) {
                throw new IllegalStateException("lincheck ran group a's operations on more than one thread, or with b's");
            }
        } else {
            if (threadB == null) {
                threadB = me;
            }
            if (threadB != me || threadA == me) {
                throw new IllegalStateException("lincheck ran group b's operations on more than one thread, or with a's");
            }
        }
    }

    @Operation(nonParallelGroup = "a")
    public boolean tryLockA() {
        bind("a");
        return lock.tryLock();
    }

    @Operation(nonParallelGroup = "a")
    public boolean unlockA() {
        bind("a");
        return unlock(lock);
    }

    @Operation(nonParallelGroup = "a")
    public int holdCountA() {
        bind("a");
        return lock.getHoldCount();
    }

    @Operation(nonParallelGroup = "a")
    public boolean fairTryLockA() {
        bind("a");
        return fairLock.tryLock();
    }

    @Operation(nonParallelGroup = "a")
    public boolean fairUnlockA() {
        bind("a");
        return unlock(fairLock);
    }

    @Operation(nonParallelGroup = "b")
    public boolean tryLockB() {
        bind("b");
        return lock.tryLock();
    }

    @Operation(nonParallelGroup = "b")
    public boolean unlockB() {
        bind("b");
        return unlock(lock);
    }

    @Operation(nonParallelGroup = "b")
    public boolean heldB() {
        bind("b");
        return lock.isHeldByCurrentThread();
    }

    @Operation(nonParallelGroup = "b")
    public boolean fairTryLockB() {
        bind("b");
        return fairLock.tryLock();
    }

    @Operation(nonParallelGroup = "b")
    public boolean fairUnlockB() {
        bind("b");
        return unlock(fairLock);
    }

    @Operation
    public boolean isLocked() {
        return lock.isLocked();
    }

    @Operation
    public boolean fairIsLocked() {
        return fairLock.isLocked();
    }

    /** true if released one hold; false if the caller did not hold it (IllegalMonitorStateException). */
    private static boolean unlock(FiberLock l) {
        try {
            l.unlock();
            return true;
        } catch (IllegalMonitorStateException notOwner) {
            return false;
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Boolean.getBoolean("weft.stress") ? 200 : 6)
                .invocationsPerIteration(Boolean.getBoolean("weft.stress") ? 5_000 : 300)
                .threads(2)
                .actorsPerThread(4)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Model.class)
                .check(FiberLockLincheckTest.class);
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(Boolean.getBoolean("weft.stress") ? 200 : 4)
                .invocationsPerIteration(Boolean.getBoolean("weft.stress") ? 10_000 : 300)
                .threads(2)
                .actorsPerThread(4)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Model.class)
                .check(FiberLockLincheckTest.class);
    }

    /** Two reentrant locks (non-fair and fair: their try operations mean the same), owners A and B. */
    public static final class Model {
        private static final int NONE = 0;
        private static final int A = 1;
        private static final int B = 2;
        private final int[] owner = {NONE, NONE};
        private final int[] holds = {0, 0};

        private boolean tryLock(int l, int who) {
            if (owner[l] == NONE || owner[l] == who) {
                owner[l] = who;
                holds[l]++;
                return true;
            }
            return false;
        }

        private boolean unlock(int l, int who) {
            if (owner[l] != who) {
                return false;
            }
            if (--holds[l] == 0) {
                owner[l] = NONE;
            }
            return true;
        }

        public boolean tryLockA() {
            return tryLock(0, A);
        }

        public boolean unlockA() {
            return unlock(0, A);
        }

        public int holdCountA() {
            return owner[0] == A ? holds[0] : 0;
        }

        public boolean fairTryLockA() {
            return tryLock(1, A);
        }

        public boolean fairUnlockA() {
            return unlock(1, A);
        }

        public boolean tryLockB() {
            return tryLock(0, B);
        }

        public boolean unlockB() {
            return unlock(0, B);
        }

        public boolean heldB() {
            return owner[0] == B;
        }

        public boolean fairTryLockB() {
            return tryLock(1, B);
        }

        public boolean fairUnlockB() {
            return unlock(1, B);
        }

        public boolean isLocked() {
            return owner[0] != NONE;
        }

        public boolean fairIsLocked() {
            return owner[1] != NONE;
        }
    }
}
