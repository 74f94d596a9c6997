package dev.weft.fiber.impl.review;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Children cannot outlive the scope: when {@code close()} returns, every subtask's strand has
 * ended (a virtual thread is no longer alive, a fiber is done), as with the JDK's
 * {@code StructuredTaskScope}, whose close waits for its threads to terminate.
 */
class ScopeCloseReturnsOnlyAfterEveryChildStrandHasEndedTest {

    @Test
    void virtualThreadChildrenAreNotAliveAfterClose() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            for (int round = 0; round < 300; round++) {
                Queue<Thread> children = new ConcurrentLinkedQueue<>();
                try (var scope = FiberScope.open(FiberScope.Joiner.awaitAll(),
                        c -> c.withScheduler(s).withVirtualThreads(true))) {
                    for (int i = 0; i < 8; i++) {
                        scope.fork(() -> children.add(Thread.currentThread()));
                    }
                    scope.join();
                }
                for (Thread t : children) {
                    assertFalse(t.isAlive(), "round " + round + ": a child thread outlived its scope: " + t);
                }
            }
        }
    }

    @Test
    void rawFiberChildrenAreDoneAfterClose() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            for (int round = 0; round < 300; round++) {
                Queue<Fiber<?>> children = new ConcurrentLinkedQueue<>();
                try (var scope = FiberScope.open(FiberScope.Joiner.awaitAll(), c -> c.withScheduler(s))) {
                    for (int i = 0; i < 8; i++) {
                        scope.fork(() -> children.add(Fiber.current()));
                    }
                    scope.join();
                }
                for (Fiber<?> f : children) {
                    assertTrue(f.isDone(), "round " + round + ": a child fiber outlived its scope: " + f);
                }
            }
        }
    }

    /** The owner a raw fiber on the children's only carrier: its wait must let them finish. */
    @Test
    void aFiberOwnerOnTheChildrensOnlyCarrierWaitsWithoutDeadlock() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            try (FiberScheduler s = Schedulers.fifo(1)) {
                Fiber<Void> owner = Fiber.builder().scheduler(s).start(() -> {
                    for (int round = 0; round < 100; round++) {
                        Queue<Object> children = new ConcurrentLinkedQueue<>();
                        try (var scope = FiberScope.open(FiberScope.Joiner.awaitAll(),
                                c -> c.withScheduler(s).withVirtualThreads(virtual))) {
                            for (int i = 0; i < 4; i++) {
                                scope.fork(() -> children.add(virtual ? Thread.currentThread() : Fiber.current()));
                            }
                            scope.join();
                        }
                        for (Object c : children) {
                            assertTrue(c instanceof Thread t ? !t.isAlive() : ((Fiber<?>) c).isDone(),
                                    "a child outlived its scope: " + c);
                        }
                    }
                    return null;
                });
                assertTrue(owner.join(Duration.ofSeconds(10)), "the owner is stuck in close (virtual=" + virtual + ")");
                owner.get();
            }
        }
    }
}
