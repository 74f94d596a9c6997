package dev.weft.bench.channel;

import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinChannelBatches;
import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.FiberScheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * What does one message cost when two tasks take turns over a pair of channels of
 * {@code capacity} 0 (rendezvous) or 1?
 *
 * <p>Two long-lived tasks, started once per trial: the lead sends an item on {@code ping} and
 * waits for it on {@code pong}; the partner receives each item from {@code ping} and sends it back
 * on {@code pong}. Every send therefore finds its receiver parked (or about to park), so each
 * message is a hand-off to a parked task and a wake-up. One operation is {@value #ROUND_TRIPS}
 * round trips, normalised <b>per message</b> (a round trip is two messages), so the score and
 * the allocation column are per message. The item is one cached {@code Integer}: nothing the
 * benchmark itself does allocates.
 *
 * <p>Contenders: Weft channels between two fibers (each scheduler, 1 and 2 carriers); jox
 * channels, Kotlin channels (on {@code Dispatchers.Default} and on the single-threaded event loop of {@code runBlocking}) and the baseline,
 * a JDK queue ({@code SynchronousQueue} for capacity 0, {@code ArrayBlockingQueue(1)} for 1), the
 * jox and JDK ones between two virtual threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PingPongBench {
    /** Round trips per benchmark operation. */
    public static final int ROUND_TRIPS = 10_000;
    /** Messages per benchmark operation: two per round trip. */
    public static final int MESSAGES = 2 * ROUND_TRIPS;
    /** The item sent back and forth: a cached box, so sending it allocates nothing. */
    static final Integer ITEM = 1;

    /** Builds the ping-pong pair over two conduits. */
    static BatchRunner pingPong(String name, BatchRunner.Tasks tasks, Conduit ping, Conduit pong) {
        BatchRunner.Batch lead = messages -> {
            for (int i = 0; i < messages; i += 2) {
                if (!ping.send(ITEM) || pong.receive() == null) {
                    throw BatchRunner.closedMidBatch();
                }
            }
        };
        BatchRunner.Partner echo = () -> {
            Integer item;
            while ((item = ping.receive()) != null) {
                if (!pong.send(item)) {
                    return;
                }
            }
        };
        return new BatchRunner(name, tasks, List.of(ping, pong), lead, List.of(echo));
    }

    /** Weft channels between two fibers on the chosen scheduler. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"0", "1"})
        public int capacity;
        @Param({"workStealing1", "workStealing2", "fifo1", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            Conduit ping = Conduit.weft(weftChannel(capacity));
            Conduit pong = Conduit.weft(weftChannel(capacity));
            fiberScheduler = SchedulerSpec.open(scheduler);
            runner = pingPong("weft-ping-pong", BatchRunner.Tasks.fibers(fiberScheduler), ping, pong);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
            fiberScheduler.close();
        }
    }

    /** A Weft channel of {@code capacity}: 0 is {@link Channels#rendezvous()}. */
    static Channel<Integer> weftChannel(int capacity) {
        return capacity == 0 ? Channels.rendezvous() : Channels.buffered(capacity);
    }

    /** jox channels between two virtual threads. */
    @State(Scope.Benchmark)
    public static class JoxState {
        @Param({"0", "1"})
        public int capacity;
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = pingPong("jox-ping-pong", BatchRunner.Tasks.virtualThreads(),
                    Conduit.jox(joxChannel(capacity)), Conduit.jox(joxChannel(capacity)));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
        }
    }

    /** A jox channel of {@code capacity}: 0 is {@code newRendezvousChannel()}. */
    static com.softwaremill.jox.Channel<Integer> joxChannel(int capacity) {
        return capacity == 0 ? com.softwaremill.jox.Channel.newRendezvousChannel()
                : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
    }

    /** A JDK queue between two virtual threads: {@code SynchronousQueue} or {@code ArrayBlockingQueue(1)}. */
    @State(Scope.Benchmark)
    public static class QueueState {
        @Param({"0", "1"})
        public int capacity;
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = pingPong("queue-ping-pong", BatchRunner.Tasks.virtualThreads(), queue(capacity), queue(capacity));
        }

        private static Conduit queue(int capacity) {
            return Conduit.queue(capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
        }
    }

    /** Kotlin channels between two coroutines, on {@code Dispatchers.Default} or in {@code runBlocking}. */
    @State(Scope.Benchmark)
    public static class KotlinState {
        @Param({"0", "1"})
        public int capacity;
        @Param({"Default", "runBlocking"})
        public String dispatcher;
        KotlinChannelBatches runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = KotlinChannelBatches.pingPong(capacity, dispatcher.equals("runBlocking"));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runner.close();
        }
    }

    /** Baseline: virtual threads over a {@code SynchronousQueue} (capacity 0) or {@code ArrayBlockingQueue(1)}. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int baselineJdkQueue(QueueState state) throws InterruptedException {
        return state.runner.run(MESSAGES);
    }

    /** Weft channels between two fibers. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int weft(WeftState state) throws InterruptedException {
        return state.runner.run(MESSAGES);
    }

    /** jox channels between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int jox(JoxState state) throws InterruptedException {
        return state.runner.run(MESSAGES);
    }

    /** Kotlin channels between two coroutines. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int kotlin(KotlinState state) throws InterruptedException {
        return state.runner.run(MESSAGES);
    }
}
