package dev.weft.bench.channel;

import dev.weft.bench.SchedulerSpec;
import dev.weft.bench.kotlin.KotlinChannelBatches;
import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Select;
import dev.weft.fiber.SelectClause;
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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * What does a two-clause select cost, in a consumer that receives from whichever of two
 * rendezvous channels has an item, each fed by its own producer?
 *
 * <p>Three long-lived tasks, started once per trial: two producers, each sending one cached item
 * into its own rendezvous channel without end, and the consumer, the lead, which runs
 * {@value #SELECTS} selects over a receive clause on each channel per operation. The score is
 * per select, that is <b>per message</b> received. The clauses are made once and reused, as the
 * APIs allow, so the loop allocates only what the select itself does.
 *
 * <p>Each library's default select is measured: Weft's {@code Select.select} picks at random
 * among ready clauses (unbiased); jox's {@code Select.select} and Kotlin's {@code select} take the
 * first ready clause, so with both producers always waiting they keep receiving from the first
 * channel. The baseline is the JDK's way to merge two producers without a select: both put into
 * one {@code SynchronousQueue} that the consumer takes from (virtual threads).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SelectBench {
    /** Selects per benchmark operation. */
    public static final int SELECTS = 10_000;

    /** Two producers sending without end into {@code a} and {@code b}, and the lead's selects. */
    static BatchRunner fanIn(String name, BatchRunner.Tasks tasks, Conduit a, Conduit b, BatchRunner.Batch selects) {
        return new BatchRunner(name, tasks, List.of(a, b), selects, List.of(producer(a), producer(b)));
    }

    private static BatchRunner.Partner producer(Conduit c) {
        return () -> {
            while (c.send(PingPongBench.ITEM)) {
                // until close() ends the run
            }
        };
    }

    /** Weft rendezvous channels and {@code Select.select} between fibers on the chosen scheduler. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"workStealing1", "workStealing2", "fifo1", "fifo2"})
        public String scheduler;
        FiberScheduler fiberScheduler;
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            Channel<Integer> a = Channels.rendezvous();
            Channel<Integer> b = Channels.rendezvous();
            // List.of: Select.select(List) copies with List.copyOf, which keeps an immutable list as it is.
            List<SelectClause<Integer>> clauses = List.of(a.onReceive(item -> item), b.onReceive(item -> item));
            BatchRunner.Batch selects = messages -> {
                for (int i = 0; i < messages; i++) {
                    Select.select(clauses);
                }
            };
            fiberScheduler = SchedulerSpec.open(scheduler);
            runner = fanIn("weft-select", BatchRunner.Tasks.fibers(fiberScheduler), Conduit.weft(a), Conduit.weft(b),
                    selects);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
            fiberScheduler.close();
        }
    }

    /** jox rendezvous channels and {@code Select.select} between virtual threads. */
    @State(Scope.Benchmark)
    public static class JoxState {
        BatchRunner runner;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void setUp() {
            com.softwaremill.jox.Channel<Integer> a = com.softwaremill.jox.Channel.newRendezvousChannel();
            com.softwaremill.jox.Channel<Integer> b = com.softwaremill.jox.Channel.newRendezvousChannel();
            // One array, passed as the varargs: no array per select.
            com.softwaremill.jox.SelectClause<Integer>[] clauses = new com.softwaremill.jox.SelectClause[] {
                    a.receiveClause(), b.receiveClause()};
            BatchRunner.Batch selects = messages -> {
                for (int i = 0; i < messages; i++) {
                    com.softwaremill.jox.Select.select(clauses);
                }
            };
            runner = fanIn("jox-select", BatchRunner.Tasks.virtualThreads(), Conduit.jox(a), Conduit.jox(b), selects);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
        }
    }

    /** Two virtual-thread producers putting into one {@code SynchronousQueue}. */
    @State(Scope.Benchmark)
    public static class QueueState {
        BatchRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            Conduit shared = Conduit.queue(new SynchronousQueue<>());
            BatchRunner.Batch takes = messages -> {
                for (int i = 0; i < messages; i++) {
                    shared.receive();
                }
            };
            runner = fanIn("queue-fan-in", BatchRunner.Tasks.virtualThreads(), shared, shared, takes);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            runner.stop();
        }
    }

    /** Kotlin rendezvous channels and {@code select} between coroutines (on {@code Dispatchers.Default} or in {@code runBlocking}). */
    @State(Scope.Benchmark)
    public static class KotlinState {
        @Param({"Default", "runBlocking"})
        public String dispatcher;
        KotlinChannelBatches runner;

        @Setup(Level.Trial)
        public void setUp() {
            runner = KotlinChannelBatches.select(0, dispatcher.equals("runBlocking"));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runner.close();
        }
    }

    /** Baseline: no select; two producers share one {@code SynchronousQueue} (virtual threads). */
    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public int baselineSharedQueue(QueueState state) throws InterruptedException {
        return state.runner.run(SELECTS);
    }

    /** Weft {@code Select.select} over two rendezvous channels, between fibers. */
    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public int weft(WeftState state) throws InterruptedException {
        return state.runner.run(SELECTS);
    }

    /** jox {@code Select.select} over two rendezvous channels, between virtual threads. */
    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public int jox(JoxState state) throws InterruptedException {
        return state.runner.run(SELECTS);
    }

    /** Kotlin {@code select} over two rendezvous channels, between coroutines. */
    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public int kotlin(KotlinState state) throws InterruptedException {
        return state.runner.run(SELECTS);
    }
}
