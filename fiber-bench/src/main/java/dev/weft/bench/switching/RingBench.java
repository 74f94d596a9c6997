package dev.weft.bench.switching;

import dev.weft.bench.LegacyLockingScheduler;
import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinRing;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.core.StackfulContinuation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What does handing a token to another parked task cost, with {@code size} tasks alive?
 *
 * <p>{@code size} members (1,000 or 100,000) form a ring built once per trial; one operation
 * moves the token {@value #HOPS} hops, normalised per hop. Each hop is an unpark of the next
 * member and a park of the current one (the floor: resuming {@code size} raw continuations in
 * ring order on one thread, so the cost of touching that many stacks is in the floor too).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingBench {
    /** Token hops per benchmark operation. */
    public static final int HOPS = 100_000;

    /** A continuation that counts a hop and yields, in a loop. */
    static final class HopContinuation extends StackfulContinuation {
        static final Scope SCOPE = new Scope("bench-ring");
        final long[] token;
        boolean stopping;

        HopContinuation(long[] token) {
            super(SCOPE);
            this.token = token;
        }

        @Override
        protected void enter() {
            while (!stopping) {
                token[0]++;
                StackfulContinuation.yield(SCOPE);
            }
        }
    }

    /** The floor: {@code size} raw continuations resumed round-robin by the benchmark thread. */
    @State(Scope.Thread)
    public static class RawState {
        @Param({"1000", "100000"})
        public int size;
        HopContinuation[] members;
        final long[] token = new long[1];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            members = new HopContinuation[size];
            for (int i = 0; i < size; i++) {
                members[i] = new HopContinuation(token);
                members[i].resume();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (HopContinuation m : members) {
                m.stopping = true;
                m.resume();
            }
        }
    }

    /** A ring of Weft fibers on the chosen scheduler. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"1000", "100000"})
        public int size;
        @Param({"workStealing1", "workStealing2", "fifo1", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;
        TokenRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            fiberScheduler = SchedulerSpec.open(scheduler);
            ring = new FiberRing(size, fiberScheduler);
            ring.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            ring.stop();
            fiberScheduler.close();
        }
    }

    /** A ring of virtual threads (JDK default scheduler). */
    @State(Scope.Benchmark)
    public static class VirtualThreadState {
        @Param({"1000", "100000"})
        public int size;
        TokenRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            ring = new VirtualThreadRing(size);
            ring.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            ring.stop();
        }
    }

    /** A ring of Kotlin coroutines on {@code Dispatchers.Default}, linked by channels. */
    @State(Scope.Benchmark)
    public static class KotlinState {
        @Param({"1000", "100000"})
        public int size;
        KotlinRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            ring = new KotlinRing(size);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ring.close();
        }
    }

    static final class FiberRing extends TokenRing {
        private final Fiber<?>[] members;
        private final FiberScheduler scheduler;

        FiberRing(int size, FiberScheduler scheduler) {
            super(size);
            this.members = new Fiber<?>[size];
            this.scheduler = scheduler;
        }

        @Override
        void startMember(int index, Runnable body) {
            members[index] = Fiber.builder().scheduler(scheduler).start(body);
        }

        @Override
        void parkCurrent() {
            Fiber.park();
        }

        @Override
        void unpark(int index) {
            members[index].unpark();
        }

        @Override
        void joinMember(int index) throws InterruptedException {
            members[index].join();
        }
    }

    static final class VirtualThreadRing extends TokenRing {
        private final Thread[] members;

        VirtualThreadRing(int size) {
            super(size);
            this.members = new Thread[size];
        }

        @Override
        void startMember(int index, Runnable body) {
            members[index] = Thread.ofVirtual().start(body);
        }

        @Override
        void parkCurrent() {
            LockSupport.park();
        }

        @Override
        void unpark(int index) {
            LockSupport.unpark(members[index]);
        }

        @Override
        void joinMember(int index) throws InterruptedException {
            members[index].join();
        }
    }

    /** The floor: {@value #HOPS} resumes of the ring's raw continuations, in ring order. */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public long baselineRawContinuation(RawState state) {
        HopContinuation[] members = state.members;
        int cursor = state.cursor;
        for (int i = 0; i < HOPS; i++) {
            members[cursor].resume();
            if (++cursor == members.length) {
                cursor = 0;
            }
        }
        state.cursor = cursor;
        return state.token[0];
    }

    /**
     * The floor in a fork with legacy locking ({@value LegacyLockingScheduler#JVM_FLAG}): the floor
     * of the {@link #weftLegacyLocking} rows, so that what that mode itself costs a continuation's
     * switch is in both sides of their ratio. Not named {@code baseline...}: the class keeps one
     * baseline, the default-mode floor.
     */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public long rawContinuationLegacyLocking(RawState state) {
        return baselineRawContinuation(state);
    }

    /** Weft fibers parking and unparking each other around the ring. */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public int weft(WeftState state) throws InterruptedException {
        return state.ring.pass(HOPS);
    }

    /**
     * A Weft ring for the {@code weftLegacyLocking} row ({@link LegacyLockingScheduler}): the
     * schedulers of that row only, so a state of its own rather than {@link WeftState} with its
     * four (set-up and tear-down order across a state's superclass is not something to rely on).
     */
    @State(Scope.Benchmark)
    public static class WeftLegacyLockingState {
        @Param({"1000", "100000"})
        public int size;
        @Param({"workStealing2", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;
        TokenRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            fiberScheduler = SchedulerSpec.open(scheduler);
            ring = new FiberRing(size, fiberScheduler);
            ring.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            ring.stop();
            fiberScheduler.close();
        }
    }

    /** The {@link #weft} row in a JVM with legacy locking ({@link LegacyLockingScheduler}). */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    @Fork(jvmArgsAppend = LegacyLockingScheduler.JVM_FLAG)
    public int weftLegacyLocking(WeftLegacyLockingState state) throws InterruptedException {
        return state.ring.pass(HOPS);
    }

    /** Virtual threads parking and unparking each other around the ring. */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public int virtualThread(VirtualThreadState state) throws InterruptedException {
        return state.ring.pass(HOPS);
    }

    /** Kotlin coroutines sending the token through each other's channels. */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public int kotlin(KotlinState state) {
        return state.ring.pass(HOPS);
    }
}
