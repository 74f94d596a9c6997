package dev.weft.fiber.impl.scope;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.FiberScope;
import dev.weft.fiber.FiberScope.Joiner;
import dev.weft.fiber.FiberScope.Subtask;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code FiberScope}: results and failures come back to the owner, and every cancellation path
 * (a failing child, the joiner, a time-out, the owner interrupted, the owner fiber cancelled,
 * close without join, a nested scope's parent) ends every child before the scope closes. Each
 * test that takes a mode runs with subtasks as raw fibers and as virtual threads on Weft.
 */
class FiberScopeTest {

    private FiberScheduler scheduler;

    @BeforeEach
    void create() {
        scheduler = Schedulers.workStealing(2);
    }

    @AfterEach
    void release() {
        scheduler.close();
    }

    private Function<FiberScope.Configuration, FiberScope.Configuration> config(String mode) {
        return c -> c.withScheduler(scheduler).withVirtualThreads(mode.equals("virtual"));
    }

    /** A child that waits until cancelled, counting its exit (its finally) in {@code ended}. */
    private static Runnable waitsUntilCancelled(CountDownLatch started, AtomicInteger ended) {
        return () -> {
            started.countDown();
            try {
                Fiber.sleep(Duration.ofMinutes(5)); // a fiber suspends; a virtual thread sleeps
            } catch (InterruptedException e) {
                // the virtual thread's cancellation
            } finally {
                ended.incrementAndGet();
            }
        };
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out waiting for a latch (count " + latch.getCount() + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void everyResultComesBackWhenEveryChildSucceeds(String mode) throws Exception {
        try (var scope = FiberScope.<Integer, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config(mode))) {
            List<Subtask<Integer>> subtasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                subtasks.add(scope.fork(() -> {
                    Fiber.yield();
                    return n * n;
                }));
            }
            assertNull(scope.join());
            for (int i = 0; i < 200; i++) {
                assertEquals(Subtask.State.SUCCESS, subtasks.get(i).state());
                assertEquals(i * i, subtasks.get(i).get());
            }
            assertFalse(scope.isCancelled());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void aFailingChildCancelsItsSiblingsAndJoinThrowsItsFailure(String mode) throws Exception {
        int siblings = 20;
        CountDownLatch started = new CountDownLatch(siblings);
        AtomicInteger ended = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        List<Subtask<Object>> waiting = new ArrayList<>();
        Subtask<Object> failing;
        try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config(mode))) {
            for (int i = 0; i < siblings; i++) {
                waiting.add(scope.fork(waitsUntilCancelled(started, ended)));
            }
            failing = scope.fork(() -> {
                await(started);
                throw boom;
            });
            FiberScope.FailedException e = assertThrows(FiberScope.FailedException.class, scope::join);
            assertSame(boom, e.getCause());
            assertTrue(scope.isCancelled());
        }
        assertEquals(siblings, ended.get(), "every sibling ended before close returned");
        assertEquals(Subtask.State.FAILED, failing.state());
        assertSame(boom, failing.exception());
        for (Subtask<Object> s : waiting) {
            assertEquals(Subtask.State.UNAVAILABLE, s.state(), "a cancelled sibling has no outcome");
            assertThrows(IllegalStateException.class, s::get);
        }
    }

    @Test
    void failuresOtherThanTheOutcomeComeBackSuppressed() throws Exception {
        List<Subtask<Object>> forked = new ArrayList<>();
        Joiner<Object, Void> firstForkedFailure = () -> {
            throw forked.get(0).exception();
        };
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        RuntimeException c = new RuntimeException("c");
        try (var scope = FiberScope.open(firstForkedFailure, config("fibers"))) {
            for (RuntimeException e : List.of(a, b, c)) {
                forked.add(scope.fork(() -> {
                    throw e;
                }));
            }
            FiberScope.FailedException failed = assertThrows(FiberScope.FailedException.class, scope::join);
            assertSame(a, failed.getCause());
            assertEquals(List.of(b, c), Arrays.stream(failed.getSuppressed())
                    .sorted((x, y) -> x.getMessage().compareTo(y.getMessage())).collect(Collectors.toList()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void awaitAllCollectsEveryOutcomeAndNeverCancels(String mode) throws Exception {
        try (var scope = FiberScope.<Integer, Void>open(Joiner.awaitAll(), config(mode))) {
            List<Subtask<Integer>> subtasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                subtasks.add(scope.fork(() -> {
                    if (n % 3 == 0) {
                        throw new IllegalArgumentException(String.valueOf(n));
                    }
                    return n;
                }));
            }
            scope.join();
            assertFalse(scope.isCancelled());
            for (int i = 0; i < 50; i++) {
                Subtask<Integer> s = subtasks.get(i);
                if (i % 3 == 0) {
                    assertEquals(Subtask.State.FAILED, s.state());
                    assertEquals(String.valueOf(i), s.exception().getMessage());
                } else {
                    assertEquals(i, s.get());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void theFirstSuccessWinsAndCancelsTheRest(String mode) throws Exception {
        CountDownLatch started = new CountDownLatch(5);
        AtomicInteger ended = new AtomicInteger();
        try (var scope = FiberScope.<String, String>open(Joiner.anySuccessfulResultOrThrow(), config(mode))) {
            for (int i = 0; i < 5; i++) {
                Runnable slow = waitsUntilCancelled(started, ended);
                scope.fork(() -> {
                    slow.run();
                    return "slow";
                });
            }
            scope.fork(() -> {
                throw new IllegalStateException("a failure does not win");
            });
            scope.fork(() -> {
                await(started);
                return "fast";
            });
            assertEquals("fast", scope.join());
        }
        assertEquals(5, ended.get());
    }

    @Test
    void whenEveryChildFailsAnySuccessfulThrowsAFailure() {
        try (var scope = FiberScope.<String, String>open(Joiner.anySuccessfulResultOrThrow(), config("fibers"))) {
            scope.fork(() -> {
                throw new IllegalStateException("x");
            });
            scope.fork(() -> {
                throw new IllegalStateException("y");
            });
            FiberScope.FailedException e = assertThrows(FiberScope.FailedException.class, scope::join);
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    @Test
    void allUntilCancelsWhenThePredicateAcceptsAndReturnsEverySubtask() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        AtomicInteger ended = new AtomicInteger();
        try (var scope = FiberScope.<String, java.util.stream.Stream<Subtask<String>>>open(
                Joiner.allUntil(s -> s.state() == Subtask.State.SUCCESS && "enough".equals(s.get())), config("fibers"))) {
            for (int i = 0; i < 3; i++) {
                Runnable slow = waitsUntilCancelled(started, ended);
                scope.fork(() -> {
                    slow.run();
                    return "slow";
                });
            }
            scope.fork(() -> {
                await(started);
                return "enough";
            });
            List<Subtask<String>> all = scope.join().toList();
            assertEquals(4, all.size());
            assertEquals("enough", all.get(3).get());
            assertTrue(scope.isCancelled());
        }
        assertEquals(3, ended.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void cancellingTheOwnerFiberCancelsItsChildrenWhichEndBeforeIt(String mode) throws Exception {
        int children = 10;
        CountDownLatch started = new CountDownLatch(children);
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger endedWhenOwnerLeft = new AtomicInteger(-1);
        try (FiberScheduler ownerScheduler = Schedulers.fifo(1)) {
            Fiber<Void> owner = Fiber.builder().scheduler(ownerScheduler).start(() -> {
                try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config(mode))) {
                    for (int i = 0; i < children; i++) {
                        scope.fork(waitsUntilCancelled(started, ended));
                    }
                    scope.join();
                } finally {
                    endedWhenOwnerLeft.set(ended.get());
                }
                return null;
            });
            await(started);
            ScopeWaits.parked(owner);
            assertTrue(owner.cancel());
            assertThrows(CancellationException.class, () -> owner.get(Duration.ofSeconds(30)));
        }
        assertEquals(children, endedWhenOwnerLeft.get(), "every child ended before the owner left the scope");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void interruptingTheOwnerInJoinCancelsTheChildren(String mode) throws Exception {
        int children = 10;
        CountDownLatch started = new CountDownLatch(children);
        AtomicInteger ended = new AtomicInteger();
        AtomicReference<Throwable> joinThrew = new AtomicReference<>();
        AtomicInteger endedAtClose = new AtomicInteger(-1);
        Thread owner = Thread.ofPlatform().start(() -> {
            try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config(mode))) {
                for (int i = 0; i < children; i++) {
                    scope.fork(waitsUntilCancelled(started, ended));
                }
                try {
                    scope.join();
                } catch (Throwable t) {
                    joinThrew.set(t);
                }
            }
            endedAtClose.set(ended.get());
        });
        await(started);
        ScopeWaits.waiting(owner);
        owner.interrupt();
        owner.join(30_000);
        assertFalse(owner.isAlive());
        assertInstanceOf(InterruptedException.class, joinThrew.get());
        assertEquals(children, endedAtClose.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void aTimeOutCancelsTheChildrenAndJoinThrows(String mode) throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        AtomicInteger ended = new AtomicInteger();
        try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(),
                config(mode).andThen(c -> c.withTimeout(Duration.ofMillis(30))))) {
            for (int i = 0; i < 3; i++) {
                scope.fork(waitsUntilCancelled(started, ended));
            }
            assertThrows(FiberScope.TimeoutException.class, scope::join);
            assertTrue(scope.isCancelled());
        }
        assertEquals(3, ended.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fibers", "virtual"})
    void closeWithoutJoinCancelsAndWaitsForTheChildrenThenThrows(String mode) throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        AtomicInteger ended = new AtomicInteger();
        var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config(mode));
        for (int i = 0; i < 4; i++) {
            scope.fork(waitsUntilCancelled(started, ended));
        }
        await(started);
        assertThrows(IllegalStateException.class, scope::close);
        assertEquals(4, ended.get());
        scope.close(); // idempotent
    }

    @Test
    void forkAfterJoinAndForkOrJoinFromANonOwnerAreRefused() throws Exception {
        try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAll(), config("fibers"))) {
            Subtask<Object> forkedByChild = scope.fork(() -> {
                try {
                    scope.fork(() -> "grandchild");
                    return "no failure";
                } catch (WrongThreadException expected) {
                    return "refused";
                }
            });
            AtomicReference<Throwable> fromThread = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    scope.join();
                } catch (Throwable t) {
                    fromThread.set(t);
                }
            });
            other.join();
            assertInstanceOf(WrongThreadException.class, fromThread.get());
            assertThrows(IllegalStateException.class, forkedByChild::get, "the owner reads outcomes only after join");
            scope.join();
            assertEquals("refused", forkedByChild.get());
            assertThrows(IllegalStateException.class, () -> scope.fork(() -> 1));
            assertThrows(IllegalStateException.class, scope::join);
        }
    }

    @Test
    void cancellingAParentScopeCancelsTheScopesOfItsChildren() throws Exception {
        CountDownLatch grandchildrenStarted = new CountDownLatch(6);
        AtomicInteger grandchildrenEnded = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config("fibers"))) {
            for (int i = 0; i < 3; i++) {
                scope.fork(() -> {
                    try (var inner = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), config("fibers"))) {
                        inner.fork(waitsUntilCancelled(grandchildrenStarted, grandchildrenEnded));
                        inner.fork(waitsUntilCancelled(grandchildrenStarted, grandchildrenEnded));
                        inner.join();
                    }
                    return null;
                });
            }
            scope.fork(() -> {
                await(grandchildrenStarted);
                throw boom;
            });
            FiberScope.FailedException e = assertThrows(FiberScope.FailedException.class, scope::join);
            assertSame(boom, e.getCause());
        }
        assertEquals(6, grandchildrenEnded.get(), "every grandchild ended before the outer scope closed");
    }

    @Test
    void aThousandFailFastScopesOnFourCarriersLeaveNoChildRunning() throws Exception {
        try (FiberScheduler four = Schedulers.workStealing(4)) {
            AtomicInteger started = new AtomicInteger();
            AtomicInteger ended = new AtomicInteger();
            for (int round = 0; round < 1_000; round++) {
                int failing = ThreadLocalRandom.current().nextInt(8);
                try (var scope = FiberScope.<Object, Void>open(Joiner.awaitAllSuccessfulOrThrow(), c -> c.withScheduler(four))) {
                    for (int i = 0; i < 8; i++) {
                        int n = i;
                        scope.fork(() -> {
                            started.incrementAndGet();
                            try {
                                Fiber.yield();
                                if (n == failing) {
                                    throw new IllegalStateException("round failure");
                                }
                                Fiber.sleep(Duration.ofMinutes(5));
                            } finally {
                                ended.incrementAndGet();
                            }
                            return null;
                        });
                    }
                    assertThrows(FiberScope.FailedException.class, scope::join);
                }
                assertEquals(started.get(), ended.get(), "round " + round + ": a child outlived its scope");
            }
        }
    }
}
