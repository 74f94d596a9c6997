package dev.weft.bench.executor;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Does a JDK virtual thread run as well on a Weft scheduler as on the JDK's own?
 *
 * <p>The same virtual-thread code, built by {@code Thread.ofVirtual()} (the JDK's
 * {@code ForkJoinPool} scheduler, as many carriers as processors) or by
 * {@code Schedulers.virtualThreadBuilder(scheduler)} (Weft, two carriers, both kinds), in three
 * patterns: {@code yield} ({@value #YIELDS} {@code Thread.yield()}s in one thread, per yield),
 * {@code spawnJoin} (start and join an empty thread from a thread, per thread) and
 * {@code pingPong} (two threads hand a turn back and forth with park/unpark, per hand-off).
 * The baseline is the JDK's scheduler.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VirtualThreadSchedulerBench {
    /** Yields per operation of {@code yield}, spawns of {@code spawnJoin}, hand-offs of {@code pingPong}. */
    public static final int YIELDS = 1_000;

    /** The Weft scheduler under test. */
    @State(Scope.Benchmark)
    public static class WeftState {
        @Param({"workStealing2", "fifo2"})
        public String scheduler;
        FiberScheduler weft;
        Thread.Builder.OfVirtual builder;

        @Setup(Level.Trial)
        public void setUp() {
            weft = dev.weft.bench.SchedulerSpec.open(scheduler);
            builder = Schedulers.virtualThreadBuilder(weft);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            weft.close();
        }
    }

    static void inThread(Thread.Builder builder, Runnable body) throws InterruptedException {
        builder.start(body).join();
    }

    static void yields() {
        for (int i = 0; i < YIELDS; i++) {
            Thread.yield();
        }
    }

    static void spawnJoins(Thread.Builder builder) {
        try {
            for (int i = 0; i < YIELDS; i++) {
                builder.start(() -> { }).join();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Two threads take turns {@value #YIELDS} times through one counter: even for one, odd for the other. */
    static void pingPong(Thread.Builder builder) {
        AtomicInteger turn = new AtomicInteger();
        Thread[] players = new Thread[2];
        for (int p = 0; p < 2; p++) {
            int me = p;
            players[p] = builder.unstarted(() -> {
                for (int t = me; t < YIELDS; t += 2) {
                    while (turn.get() != t) {
                        LockSupport.park();
                    }
                    turn.set(t + 1);
                    LockSupport.unpark(players[1 - me]);
                }
            });
        }
        players[0].start();
        players[1].start();
        try {
            players[0].join();
            players[1].join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Baseline: yields of a virtual thread on the JDK's scheduler. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void baselineJdkYield() throws InterruptedException {
        inThread(Thread.ofVirtual(), VirtualThreadSchedulerBench::yields);
    }

    /** Yields of a virtual thread on a Weft scheduler. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void weftYield(WeftState state) throws InterruptedException {
        inThread(state.builder, VirtualThreadSchedulerBench::yields);
    }

    /** Spawn+join of virtual threads from a virtual thread, on the JDK's scheduler. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void jdkSpawnJoin() throws InterruptedException {
        Thread.Builder.OfVirtual b = Thread.ofVirtual();
        inThread(b, () -> spawnJoins(b));
    }

    /** Spawn+join of virtual threads from a virtual thread, on a Weft scheduler. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void weftSpawnJoin(WeftState state) throws InterruptedException {
        inThread(state.builder, () -> spawnJoins(state.builder));
    }

    /** Park/unpark ping-pong of two virtual threads on the JDK's scheduler, per hand-off. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void jdkPingPong() {
        pingPong(Thread.ofVirtual());
    }

    /** Park/unpark ping-pong of two virtual threads on a Weft scheduler, per hand-off. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void weftPingPong(WeftState state) {
        pingPong(state.builder);
    }
}
