package dev.weft.fiber.impl.sync;

import dev.weft.fiber.FiberLock;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * The waiting paths of {@link FiberLock} ({@code lock()} parking until the owner's
 * {@code unlock()}) under lincheck's model checker, which explores the interleavings of three
 * threads: each operation waits only while another holds the lock and then completes (lock,
 * count, unlock), so it has a sequential meaning lincheck can check, a counter whose increments
 * are atomic. A breach of mutual exclusion shows as a lost update (a repeated value).
 *
 * <p>Not relied on for lost wake-ups: a lost wake-up planted in the non-fair release (the owner
 * reading "nobody waits" before freeing the lock) passed here, while
 * {@code FiberLockTest.waiterArrivingAsTheOwnerUnlocksIsNeverLeftParked} caught it. What lincheck
 * cannot check at all is an operation that blocks until another operation of the scenario acts.
 */
public class FiberLockWaitingLincheckTest {
    private final FiberLock lock = new FiberLock(false);
    private final FiberLock fair = new FiberLock(true);
    private int count;
    private int fairCount;

    @Operation
    public int incrementUnderLock() {
        lock.lock();
        try {
            return ++count;
        } finally {
            lock.unlock();
        }
    }

    @Operation
    public int incrementUnderFairLock() {
        fair.lock();
        try {
            return ++fairCount;
        } finally {
            fair.unlock();
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Boolean.getBoolean("weft.stress") ? 100 : 3)
                .invocationsPerIteration(Boolean.getBoolean("weft.stress") ? 5_000 : 150)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Model.class)
                .check(FiberLockWaitingLincheckTest.class);
    }

    /** Two counters. */
    public static final class Model {
        private int count;
        private int fairCount;

        public int incrementUnderLock() {
            return ++count;
        }

        public int incrementUnderFairLock() {
            return ++fairCount;
        }
    }
}
