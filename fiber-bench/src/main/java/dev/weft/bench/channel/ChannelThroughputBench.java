package dev.weft.bench.channel;

import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinChannelBatches;
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
import java.util.concurrent.TimeUnit;

/**
 * How fast do items flow from one producer to one consumer through a channel with a buffer of
 * {@value #CAPACITY}?
 *
 * <p>Two long-lived tasks, started once per trial: the producer sends one cached item without
 * end (it waits whenever the buffer is full); the consumer, the lead, receives
 * {@value #ITEMS} items per operation. The score is <b>per item</b> (per message): the inverse of
 * the throughput. At steady state the buffer is mostly full or mostly empty, and how often each
 * side has to park instead of finding room or an item is what separates the contenders.
 *
 * <p>Contenders: Weft {@code buffered(64)} between two fibers (each scheduler, 1 and 2
 * carriers); jox {@code newBufferedChannel(64)} and the baseline {@code ArrayBlockingQueue(64)},
 * between two virtual threads; Kotlin {@code Channel(64)} between two coroutines (on
 * {@code Dispatchers.Default} and on the single-threaded event loop of {@code runBlocking}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChannelThroughputBench {
    /** The buffer of every contender. */
    public static final int CAPACITY = 64;
    /** Items received per benchmark operation. */
    public static final int ITEMS = 50_000;

    /** One producer sending without end, the lead receiving {@code messages} items per batch. */
    static BatchRunner producerConsumer(String name, BatchRunner.Tasks tasks, Conduit items) {
        BatchRunner.Batch consumer = messages -> {
            for (int i = 0; i < messages; i++) {
                if (items.receive() == null) {
                    throw BatchRunner.closedMidBatch();
                }
            }
        };
        BatchRunner.Partner producer = () -> {
            while (items.send(PingPongBench.ITEM)) {
                // until close() ends the run
            }
        };
        return new BatchRunner(name, tasks, List.of(items), consumer, List.of(producer));
    }

    /** Weft {@code buffered(64)} between two fibers on the chosen scheduler. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"workStealing1", "workStealing2", "fifo1", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            Conduit items = Conduit.weft(Channels.buffered(CAPACITY));
            fiberScheduler = SchedulerSpec.open(scheduler);
            runner = producerConsumer("weft-throughput", BatchRunner.Tasks.fibers(fiberScheduler), items);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
            fiberScheduler.close();
        }
    }

    /** jox {@code newBufferedChannel(64)} between two virtual threads. */
    @State(Scope.Benchmark)
    public static class JoxState {
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = producerConsumer("jox-throughput", BatchRunner.Tasks.virtualThreads(),
                    Conduit.jox(com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY)));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
        }
    }

    /** {@code ArrayBlockingQueue(64)} between two virtual threads. */
    @State(Scope.Benchmark)
    public static class QueueState {
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = producerConsumer("queue-throughput", BatchRunner.Tasks.virtualThreads(),
                    Conduit.queue(new ArrayBlockingQueue<>(CAPACITY)));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
        }
    }

    /** Kotlin {@code Channel(64)} between two coroutines, on {@code Dispatchers.Default} or in {@code runBlocking}. */
    @State(Scope.Benchmark)
    public static class KotlinState {
        @Param({"Default", "runBlocking"})
        public String dispatcher;
        KotlinChannelBatches runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = KotlinChannelBatches.throughput(CAPACITY, dispatcher.equals("runBlocking"));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runner.close();
        }
    }

    /** Baseline: {@code ArrayBlockingQueue(64)} between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int baselineArrayBlockingQueue(QueueState state) throws InterruptedException {
        return state.runner.run(ITEMS);
    }

    /** Weft {@code buffered(64)} between two fibers. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int weft(WeftState state) throws InterruptedException {
        return state.runner.run(ITEMS);
    }

    /** jox {@code newBufferedChannel(64)} between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int jox(JoxState state) throws InterruptedException {
        return state.runner.run(ITEMS);
    }

    /** Kotlin {@code Channel(64)} between two coroutines. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int kotlin(KotlinState state) throws InterruptedException {
        return state.runner.run(ITEMS);
    }
}
