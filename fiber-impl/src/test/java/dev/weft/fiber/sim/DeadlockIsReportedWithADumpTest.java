package dev.weft.fiber.sim;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.DeadlockException;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When fibers are alive, none can run and no time-out is pending, the run ends with a
 * {@link DeadlockException} whose dump names every live fiber, its state, the Weft call it waits
 * in, the line of the test that called it, and its stack.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeadlockIsReportedWithADumpTest {

    @Test
    void twoFibersWaitingOnEachOthersChannelAreReported() {
        DeterministicScheduler s = Schedulers.deterministic(3);
        DeadlockException e = assertThrows(DeadlockException.class, () -> s.run(() -> {
            Channel<Integer> toB = Channels.rendezvous();
            Channel<Integer> toA = Channels.rendezvous();
            Fiber<?> a = Fiber.builder().name("alice").start(() -> {
                toA.receive(); // both receive first: neither ever sends
                toB.send(1);
                return null;
            });
            Fiber<?> b = Fiber.builder().name("bob").start(() -> {
                toB.receive();
                toA.send(2);
                return null;
            });
            a.join();
            b.join();
        }));
        String dump = e.dump();
        assertTrue(e.getMessage().startsWith("Deadlock at step "), e.getMessage());
        assertTrue(e.getMessage().contains("3 fibers are alive"), e.getMessage());
        assertTrue(dump.contains("#1 main  PARKED, waits in FiberImpl.join called at"), dump);
        assertTrue(dump.contains("alice  PARKED, waits in WeftChannel.receive called at dev.weft.fiber.sim.DeadlockIsReportedWithADumpTest"), dump);
        assertTrue(dump.contains("bob  PARKED, waits in WeftChannel.receive"), dump);
        assertTrue(dump.contains("at dev.weft.fiber.sim.DeadlockIsReportedWithADumpTest.lambda$"), dump);
        assertTrue(s.isTerminated());
    }

    @Test
    void aLockNeverReleasedIsReportedWithTheWaitersLockCall() {
        DeterministicScheduler s = Schedulers.deterministic(4);
        DeadlockException e = assertThrows(DeadlockException.class, () -> s.run(() -> {
            FiberLock lock = new FiberLock();
            lock.lock(); // the root keeps it
            Fiber<?> w = Fiber.builder().name("waiter").start(lock::lock);
            w.join();
        }));
        assertTrue(e.dump().contains("waiter  PARKED, waits in "), e.dump());
        assertTrue(e.dump().contains("StrandLock") || e.dump().contains("FiberLock"), e.dump());
    }

    @Test
    void fibersLeftBlockedWhenTheRootEndsAreReported() {
        DeterministicScheduler s = Schedulers.deterministic(5);
        DeadlockException e = assertThrows(DeadlockException.class, () -> s.run(() -> {
            Channel<String> never = Channels.unbounded();
            Fiber.builder().name("leaked").start(() -> {
                for (String x : never) {
                    assertEquals("", x);
                }
            });
        }));
        assertTrue(e.getMessage().contains("the root fiber has ended and left these blocked"), e.getMessage());
        assertTrue(e.dump().contains("#2 leaked  PARKED"), e.dump());
    }

    @Test
    void aFailingRootWinsOverTheDeadlockItLeftBehind() {
        DeterministicScheduler s = Schedulers.deterministic(6);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.run(() -> {
            Fiber.builder().name("orphan").start(() -> Fiber.park());
            Fiber.yield();
            throw new IllegalStateException("the test's own failure");
        }));
        assertEquals("the test's own failure", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0] instanceof DeadlockException);
    }
}
