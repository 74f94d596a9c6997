package dev.weft.fiber.impl.sched;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Linearizability of {@link WorkQueue} with lincheck, against an explicit sequential model
 * ({@link Model}) rather than the queue itself, so that the check covers what the operations
 * do (FIFO order, the bound, "half rounded up") and not only that they are atomic.
 *
 * <p>The owner-only operations share the non-parallel group {@code "owner"}, so lincheck runs all
 * of them from one thread, as the contract requires. A steal is made by a thief with a fresh
 * queue of its own (as big as the victim, so room never limits it); the operation returns every
 * element it took, in queue order, so the model can compare the whole batch. {@code size()} is
 * left out: it is documented as a snapshot that may be stale, not as a linearizable read.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class WorkQueueLincheckTest {
    private static final int CAPACITY = 4;

    private final WorkQueue<Integer> queue = new WorkQueue<>(CAPACITY);

    @Operation(nonParallelGroup = "owner")
    public boolean push(@Param(name = "value") int value) {
        return queue.push(value);
    }

    @Operation(nonParallelGroup = "owner")
    public Integer pop() {
        return queue.pop();
    }

    @Operation
    public List<Integer> steal() {
        WorkQueue<Integer> mine = new WorkQueue<>(CAPACITY);
        Integer last = queue.stealHalf(mine);
        List<Integer> taken = new ArrayList<>();
        for (Integer x; (x = mine.pop()) != null; ) {
            taken.add(x);
        }
        if (last != null) {
            taken.add(last);
        }
        return taken;
    }

    @Operation
    public Integer stealOne() {
        return queue.stealOne();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Boolean.getBoolean("weft.stress") ? 200 : 15)
                .invocationsPerIteration(Boolean.getBoolean("weft.stress") ? 5_000 : 500)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .sequentialSpecification(Model.class)
                .check(WorkQueueLincheckTest.class);
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(Boolean.getBoolean("weft.stress") ? 200 : 10)
                .invocationsPerIteration(Boolean.getBoolean("weft.stress") ? 10_000 : 1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .sequentialSpecification(Model.class)
                .check(WorkQueueLincheckTest.class);
    }

    /** The sequential meaning of the operations: a bounded FIFO, steal takes the older half rounded up. */
    public static final class Model {
        private final ArrayDeque<Integer> items = new ArrayDeque<>();

        public boolean push(int value) {
            if (items.size() >= CAPACITY) {
                return false;
            }
            items.addLast(value);
            return true;
        }

        public Integer pop() {
            return items.pollFirst();
        }

        public Integer stealOne() {
            return items.pollFirst();
        }

        public List<Integer> steal() {
            int n = items.size() - items.size() / 2;
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                taken.add(items.pollFirst());
            }
            return taken;
        }
    }
}
