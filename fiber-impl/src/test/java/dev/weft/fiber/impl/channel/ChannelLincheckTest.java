package dev.weft.fiber.impl.channel;

import dev.weft.fiber.BufferOverflow;
import dev.weft.fiber.ChannelResult;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

/**
 * Linearizability of each channel kind with lincheck 3.7, against an explicit sequential model
 * ({@link Model}) of what the non-blocking operations mean: {@code trySend}, {@code tryReceive},
 * {@code close}, {@code isClosedForSend}, {@code isClosedForReceive}. Results are compared as
 * strings ({@code "SENT"}, {@code "RECEIVED[2]"}, {@code "FULL"}, ...), so the check covers FIFO
 * order, the capacity, the overflow policy and close-then-drain, not only atomicity.
 *
 * <p>Why the blocking {@code send}/{@code receive} are left out: lincheck's Java API checks
 * operations that return; it has no sequential model for an operation that parks until another
 * thread's operation lets it continue (its support for that, the dual-data-structure semantics,
 * is for Kotlin {@code suspend} operations only). A blocking {@code receive} in a scenario with no
 * matching send parks forever and is reported as a deadlock, and timed variants make the outcome
 * depend on timing, which the model cannot know. The blocking paths are checked instead by the
 * counting stress tests ({@link ChannelProgramsTest}, {@link ChannelContractTest}) and share the
 * locked primitives checked here ({@code offerLocked}, {@code pollLocked}).
 *
 * <p>Run time is kept to a few seconds per kind (after lincheck's own start-up of several seconds):
 * small scenarios (two threads of two operations) explored by the model checker, which is where
 * lincheck finds a broken critical section quickest (a lock released between the drop and the
 * add of a {@code DROP_OLDEST} send was found at this budget when tried), and one short stress
 * run for what model checking cannot see (it assumes sequential consistency).
 * {@code -Dweft.stress=true} runs many more and larger scenarios.
 */
class ChannelLincheckTest {
    private static final boolean STRESS = Boolean.getBoolean("weft.stress");

    @Test
    void rendezvous() {
        check(Rendezvous.class, RendezvousModel.class);
    }

    @Test
    void buffered() {
        check(Buffered2.class, Buffered2Model.class);
    }

    @Test
    void unbounded() {
        check(Unbounded.class, UnboundedModel.class);
    }

    @Test
    void conflated() {
        check(Conflated.class, ConflatedModel.class);
    }

    @Test
    void dropNewest() {
        check(DropNewest2.class, DropNewest2Model.class);
    }

    private static void check(Class<?> test, Class<?> model) {
        new ModelCheckingOptions() // two threads: small scenarios, explored more thoroughly in the time
                .iterations(STRESS ? 100 : 10)
                .invocationsPerIteration(STRESS ? 5_000 : 100)
                .threads(2)
                .actorsPerThread(STRESS ? 3 : 2)
                .actorsBefore(2)
                .sequentialSpecification(model)
                .check(test);
        new StressOptions()
                .iterations(STRESS ? 100 : 1)
                .invocationsPerIteration(STRESS ? 10_000 : 300)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(1)
                .sequentialSpecification(model)
                .check(test);
    }

    /** The operations under test, on one channel. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public abstract static class Ops {
        private final WeftChannel<Integer> channel;

        Ops(int capacity, BufferOverflow overflow) {
            channel = new WeftChannel<>(capacity, overflow);
        }

        @Operation
        public String trySend(@Param(name = "value") int value) {
            return channel.trySend(value).toString();
        }

        @Operation
        public String tryReceive() {
            ChannelResult<Integer> r = channel.tryReceive();
            return r.toString();
        }

        @Operation
        public boolean close() {
            return channel.close();
        }

        @Operation
        public boolean isClosedForSend() {
            return channel.isClosedForSend();
        }

        @Operation
        public boolean isClosedForReceive() {
            return channel.isClosedForReceive();
        }
    }

    /** The sequential meaning: a FIFO buffer of {@code capacity} with the policy; close stops sends and lets the buffer drain. */
    public abstract static class Model {
        private final int capacity;
        private final BufferOverflow overflow;
        private final ArrayDeque<Integer> buffer = new ArrayDeque<>();
        private boolean closed;

        Model(int capacity, BufferOverflow overflow) {
            this.capacity = capacity;
            this.overflow = overflow;
        }

        public String trySend(int value) {
            if (closed) {
                return "CLOSED";
            }
            if (buffer.size() < capacity) {
                buffer.addLast(value);
                return "SENT";
            }
            return switch (overflow) {
                case SUSPEND -> "FULL"; // rendezvous: no receiver ever waits, since no operation here waits
                case DROP_NEWEST -> "DROPPED";
                case DROP_OLDEST -> {
                    buffer.removeFirst();
                    buffer.addLast(value);
                    yield "SENT";
                }
            };
        }

        public String tryReceive() {
            if (!buffer.isEmpty()) {
                return "RECEIVED[" + buffer.removeFirst() + "]";
            }
            return closed ? "CLOSED" : "EMPTY";
        }

        public boolean close() {
            boolean was = closed;
            closed = true;
            return !was;
        }

        public boolean isClosedForSend() {
            return closed;
        }

        public boolean isClosedForReceive() {
            return closed && buffer.isEmpty();
        }
    }

    public static class Rendezvous extends Ops {
        public Rendezvous() {
            super(0, BufferOverflow.SUSPEND);
        }
    }

    public static class RendezvousModel extends Model {
        public RendezvousModel() {
            super(0, BufferOverflow.SUSPEND);
        }
    }

    public static class Buffered2 extends Ops {
        public Buffered2() {
            super(2, BufferOverflow.SUSPEND);
        }
    }

    public static class Buffered2Model extends Model {
        public Buffered2Model() {
            super(2, BufferOverflow.SUSPEND);
        }
    }

    public static class Unbounded extends Ops {
        public Unbounded() {
            super(Integer.MAX_VALUE, BufferOverflow.SUSPEND);
        }
    }

    public static class UnboundedModel extends Model {
        public UnboundedModel() {
            super(Integer.MAX_VALUE, BufferOverflow.SUSPEND);
        }
    }

    public static class Conflated extends Ops {
        public Conflated() {
            super(1, BufferOverflow.DROP_OLDEST);
        }
    }

    public static class ConflatedModel extends Model {
        public ConflatedModel() {
            super(1, BufferOverflow.DROP_OLDEST);
        }
    }

    public static class DropNewest2 extends Ops {
        public DropNewest2() {
            super(2, BufferOverflow.DROP_NEWEST);
        }
    }

    public static class DropNewest2Model extends Model {
        public DropNewest2Model() {
            super(2, BufferOverflow.DROP_NEWEST);
        }
    }
}
