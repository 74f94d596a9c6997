package dev.weft.fiber.impl.review;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.sched.WorkStealingScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A compensating carrier that retires at the end of its spin must not take a submitter's
 * wake-up with it. A submitter that sees a spinning carrier does not wake a parked one (the
 * spinner "will find the work"); a spinner that then retires without looking at the queues
 * again leaves the task stranded while every remaining carrier is parked.
 */
class CompensationRetireReviewTest {

    private static Thread threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread named " + name);
    }

    /** The pool's counters and its threads' stacks, for a failure message. */
    private static String poolThreads(FiberScheduler pool) {
        StringBuilder sb = new StringBuilder().append(pool.stats()).append('\n');
        if (pool instanceof dev.weft.fiber.impl.sched.CarrierPool cp) {
            sb.append("idle=").append(cp.idleCarriers()).append(" blocked=").append(cp.blockedCarriers())
                    .append(" live fibers=").append(cp.fibersLive()).append('\n');
        }
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("weft-" + pool.stats().name() + "-")) {
                sb.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    sb.append("    at ").append(e).append('\n');
                }
            }
        });
        return sb.toString();
    }

    private static void spinNanos(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void taskSubmittedWhileACompensatingCarrierRetiresIsNotStranded() throws Exception {
        FiberScheduler pool = new WorkStealingScheduler(1, 4, true);
        Thread core = threadNamed("weft-" + pool.stats().name() + "-carrier-0");
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int trials = 0;
        AtomicInteger inconclusive = new AtomicInteger();
        try {
            while (System.nanoTime() - end < 0) {
                trials++;
                CountDownLatch releaseBlocker = new CountDownLatch(1);
                AtomicBoolean blockerDone = new AtomicBoolean();
                AtomicBoolean standInDone = new AtomicBoolean();
                // 1. block the only core carrier outside Weft, so that the watchdog compensates
                pool.execute(() -> {
                    try {
                        releaseBlocker.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    blockerDone.set(true);
                });
                // 2. a task that only the compensating carrier can run: it unblocks the core
                //    carrier, waits until that one is parked idle, then ends (its carrier now
                //    spins, and retires, since more carriers than the parallelism are unblocked)
                pool.execute(() -> {
                    releaseBlocker.countDown();
                    if (Thread.currentThread() == core) {
                        // The previous trial's compensating carrier was still there and took the
                        // blocker: this trial cannot set up the race (waiting below for the core
                        // carrier to park would wait for ourselves). Let it pass.
                        inconclusive.incrementAndGet();
                        standInDone.set(true);
                        return;
                    }
                    while (!blockerDone.get() || core.getState() != Thread.State.WAITING) {
                        Thread.onSpinWait();
                    }
                    spinNanos(50_000);
                    standInDone.set(true);
                });
                long setUpDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!standInDone.get()) {
                    if (System.nanoTime() - setUpDeadline > 0) {
                        String state = pool.stats() + ")\n" + poolThreads(pool); // before the release changes it
                        releaseBlocker.countDown();
                        fail("trial " + trials + ": the blocker and its stand-in did not finish within 10 s (" + state);
                    }
                    Thread.onSpinWait();
                }
                // 3. submit from outside at some moment of the retiring carrier's spin
                spinNanos(ThreadLocalRandom.current().nextLong(40_000));
                AtomicBoolean ran = new AtomicBoolean();
                pool.execute(() -> ran.set(true));
                long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (!ran.get() && System.nanoTime() - deadline < 0) {
                    Thread.sleep(0, 100_000);
                }
                if (!ran.get()) {
                    pool.execute(() -> { }); // rescue the stranded task before failing
                    fail("trial " + trials + ": a task submitted while a compensating carrier retired was not run within 2 s"
                            + " although the core carrier was idle (" + pool.stats() + ")");
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(Duration.ofSeconds(10));
        }
        int conclusive = trials - inconclusive.get();
        System.out.println("CompensationRetireReviewTest: no stranded task in " + conclusive + " trials ("
                + inconclusive.get() + " more could not set up the race)");
        if (conclusive == 0) {
            fail("no trial in 15 s set up the race: the test proves nothing");
        }
    }
}
