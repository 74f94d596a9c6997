package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorExhaustedException;
import dev.weft.fiber.GeneratorFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python generator contract, run against each backend by a subclass. The bodies come from
 * {@link ContractBodies} so that both backends run the same code.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class GeneratorContractTest {

    /** The bodies, as this backend needs them (the stackless backend needs them transformed). */
    protected abstract ContractBodies bodies();

    protected abstract <T> Generator<T> generator(GeneratorBody<T> body);

    protected abstract <T> Generator<T> generatorReturning(GeneratorFunction<T, ?> function);

    // ----------------------------------------------------------------------------------------
    // next, send, exhaustion

    @Test
    void nextYieldsInOrderThenEndsWithTheReturnValue() {
        Generator<Integer> g = generatorReturning(bodies().counter(3));
        assertEquals(Generator.State.NEW, g.state());
        assertEquals(0, g.next());
        assertEquals(Generator.State.SUSPENDED, g.state());
        assertEquals(1, g.next());
        assertEquals(2, g.next());
        GeneratorExhaustedException end = assertThrows(GeneratorExhaustedException.class, g::next);
        assertEquals("done", end.returnValue());
        assertEquals(Generator.State.CLOSED, g.state());
        assertEquals("done", g.returnValue());
        GeneratorExhaustedException again = assertThrows(GeneratorExhaustedException.class, g::next);
        assertNull(again.returnValue());
    }

    @Test
    void returnValueIsUnavailableUntilTheBodyReturns() {
        Generator<Integer> g = generatorReturning(bodies().counter(2));
        assertThrows(IllegalStateException.class, g::returnValue);
        g.next();
        assertThrows(IllegalStateException.class, g::returnValue);
    }

    @Test
    void sendBecomesTheResultOfThePendingYield() {
        Generator<String> g = generator(bodies().echo());
        assertEquals("ready", g.next());
        assertEquals("got a", g.send("a"));
        assertEquals("got 42", g.send(42));
        assertEquals("got null", g.next());
    }

    @Test
    void firstCallMustNotSendAValue() {
        Generator<String> g = generator(bodies().echo());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.send("too early"));
        assertTrue(e.getMessage().contains("just-started"), e.getMessage());
        assertEquals(Generator.State.NEW, g.state());
        assertEquals("ready", g.send(null));
    }

    @Test
    void exceptionFromTheBodyPropagatesAndClosesTheGenerator() {
        Generator<Integer> g = generator(bodies().throwsAfter(2));
        assertEquals(0, g.next());
        assertEquals(1, g.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertEquals("boom", e.getMessage());
        assertEquals(Generator.State.CLOSED, g.state());
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void exhaustionEscapingTheBodyIsReportedNotSwallowed() {
        Generator<Integer> empty = generatorReturning(bodies().counter(0));
        assertThrows(GeneratorExhaustedException.class, empty::next);
        Generator<Integer> g = generator(bodies().callsExhausted(() -> empty));
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertTrue(e.getCause() instanceof GeneratorExhaustedException, String.valueOf(e.getCause()));
        assertEquals(Generator.State.CLOSED, g.state());
    }

    // ----------------------------------------------------------------------------------------
    // throwInto

    @Test
    void throwIntoCaughtByTheBodyReturnsTheNextValue() {
        List<String> log = new ArrayList<>();
        Generator<Object> g = generator(bodies().catching(log));
        assertEquals(1, g.next());
        assertEquals("caught x", g.throwInto(new IllegalArgumentException("x")));
        assertEquals(3, g.next());
        assertEquals(List.of("caught x"), log);
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void throwIntoNotCaughtPropagatesRunsFinallyAndCloses() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generator(bodies().withFinally(log));
        assertEquals(1, g.next());
        UnsupportedOperationException error = new UnsupportedOperationException("u");
        assertSame(error, assertThrows(UnsupportedOperationException.class, () -> g.throwInto(error)));
        assertEquals(List.of("finally"), log);
        assertEquals(Generator.State.CLOSED, g.state());
    }

    @Test
    void throwIntoANewGeneratorThrowsWithoutRunningTheBody() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generator(bodies().infinite(log));
        IllegalArgumentException error = new IllegalArgumentException("early");
        assertSame(error, assertThrows(IllegalArgumentException.class, () -> g.throwInto(error)));
        assertEquals(Generator.State.CLOSED, g.state());
        assertEquals(List.of(), log);
    }

    @Test
    void throwIntoAClosedGeneratorThrowsTheError() {
        Generator<Integer> g = generatorReturning(bodies().counter(0));
        assertThrows(GeneratorExhaustedException.class, g::next);
        IllegalArgumentException error = new IllegalArgumentException("late");
        assertSame(error, assertThrows(IllegalArgumentException.class, () -> g.throwInto(error)));
    }

    @Test
    void throwIntoReachesAHandlerTwoCallsBelowTheBody() {
        Generator<String> g = generator(bodies().nestedCatch());
        assertEquals("bottom 0", g.next());
        assertEquals("recovered 0", g.throwInto(new UnsupportedOperationException()));
        assertEquals("bottom 1", g.next());
        assertEquals("after m:caught0ok1", g.next());
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void throwIntoDeliversACheckedExceptionAsItIs() {
        Generator<Object> g = generator(bodies().catchesChecked());
        assertEquals(1, g.next());
        assertEquals("caught IOException", g.throwInto(new java.io.IOException("checked")));
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void throwIntoRejectsNull() {
        Generator<Integer> g = generatorReturning(bodies().counter(1));
        assertThrows(NullPointerException.class, () -> g.throwInto(null));
    }

    // ----------------------------------------------------------------------------------------
    // close

    @Test
    void closeRunsFinallyBlocks() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generator(bodies().withFinally(log));
        assertEquals(1, g.next());
        g.close();
        assertEquals(List.of("finally"), log);
        assertEquals(Generator.State.CLOSED, g.state());
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void closeWithoutFinallyEndsTheGenerator() {
        Generator<Integer> g = generatorReturning(bodies().counter(5));
        assertEquals(0, g.next());
        g.close();
        assertEquals(Generator.State.CLOSED, g.state());
        assertThrows(IllegalStateException.class, g::returnValue);
        g.close();
        assertEquals(Generator.State.CLOSED, g.state());
    }

    @Test
    void closeOfANeverStartedGeneratorNeverRunsTheBody() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generator(bodies().infinite(log));
        g.close();
        assertEquals(Generator.State.CLOSED, g.state());
        assertEquals(List.of(), log);
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void bodyThatYieldsWhileClosingIsAnError() {
        Generator<Integer> g = generator(bodies().ignoresExit());
        assertEquals(1, g.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::close);
        assertTrue(e.getMessage().contains("ignored GeneratorExit"), e.getMessage());
        assertEquals(Generator.State.SUSPENDED, g.state());
        assertThrows(GeneratorExhaustedException.class, g::next);
        assertEquals(Generator.State.CLOSED, g.state());
    }

    @Test
    void bodyMayReturnAValueWhenClosed() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generatorReturning(bodies().returnsOnExit(log));
        assertEquals(1, g.next());
        g.close();
        assertEquals(List.of("exit"), log);
        assertEquals("cleaned", g.returnValue());
    }

    // ----------------------------------------------------------------------------------------
    // yieldFrom

    @Test
    void yieldFromForwardsNextSendAndThrowAndReturnsTheInnerResult() {
        List<String> log = new ArrayList<>();
        Generator<Object> g = generator(bodies().delegating(() -> generatorReturning(bodies().inner(log)), log));
        assertEquals("a", g.next());
        assertEquals("inner got x", g.send("x"));
        assertEquals("inner got null", g.next());
        assertEquals("inner caught e", g.throwInto(new IllegalArgumentException("e")));
        assertEquals("inner got y", g.send("y"));
        assertEquals("inner returned inner-result", g.send("stop"));
        assertEquals(List.of("inner finally"), log);
        assertThrows(GeneratorExhaustedException.class, g::next);
        assertEquals(List.of("inner finally", "outer finally"), log);
    }

    @Test
    void yieldFromForwardsClose() {
        List<String> log = new ArrayList<>();
        AtomicReference<Generator<Object>> inner = new AtomicReference<>();
        Generator<Object> g = generator(bodies().delegating(() -> {
            inner.set(generatorReturning(bodies().inner(log)));
            return inner.get();
        }, log));
        assertEquals("a", g.next());
        g.close();
        assertEquals(List.of("inner finally", "outer finally"), log);
        assertEquals(Generator.State.CLOSED, inner.get().state());
        assertEquals(Generator.State.CLOSED, g.state());
    }

    @Test
    void yieldFromPropagatesAnExceptionTheInnerDoesNotCatch() {
        List<String> log = new ArrayList<>();
        AtomicReference<Generator<Object>> inner = new AtomicReference<>();
        Generator<Object> g = generator(bodies().delegating(() -> {
            inner.set(generatorReturning(bodies().inner(log)));
            return inner.get();
        }, log));
        assertEquals("a", g.next());
        UnsupportedOperationException error = new UnsupportedOperationException("not caught");
        assertSame(error, assertThrows(UnsupportedOperationException.class, () -> g.throwInto(error)));
        assertEquals(List.of("inner finally", "outer finally"), log);
        assertEquals(Generator.State.CLOSED, inner.get().state());
        assertEquals(Generator.State.CLOSED, g.state());
    }

    @Test
    void yieldFromAnAlreadyFinishedInnerReturnsAtOnce() {
        List<String> log = new ArrayList<>();
        Generator<Object> g = generator(bodies().delegating(() -> {
            Generator<Integer> empty = generatorReturning(bodies().counter(0));
            @SuppressWarnings({"unchecked", "rawtypes"})
            Generator<Object> asObjects = (Generator) empty;
            return asObjects;
        }, log));
        assertEquals("inner returned done", g.next());
    }

    // ----------------------------------------------------------------------------------------
    // Re-entry and misuse

    @Test
    void reEntryFromTheBodyThrows() {
        AtomicReference<Generator<Integer>> self = new AtomicReference<>();
        Generator<Integer> g = generator(bodies().reentrant(self::get));
        self.set(g);
        assertEquals(1, g.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertEquals("generator already executing", e.getMessage());
        assertEquals(Generator.State.CLOSED, g.state());
    }

    @Test
    void callFromAnotherThreadWhileRunningThrows() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Generator<Integer> g = generator(bodies().blocking(entered, release));
        assertEquals(1, g.next());
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(g::next);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertEquals(Generator.State.RUNNING, g.state());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertEquals("generator already executing", e.getMessage());
        assertThrows(IllegalStateException.class, g::close);
        release.countDown();
        assertEquals(2, second.get(10, TimeUnit.SECONDS));
        assertEquals(Generator.State.SUSPENDED, g.state());
    }

    @Test
    void generatorCanBeDrivenFromAnotherThreadBetweenCalls() throws Exception {
        Generator<Integer> g = generatorReturning(bodies().counter(4));
        assertEquals(0, g.next());
        assertEquals(1, CompletableFuture.supplyAsync(g::next).get(10, TimeUnit.SECONDS));
        assertEquals(2, g.next());
    }

    @Test
    void yielderOfAnOuterGeneratorCannotBeUsedFromAnInnerBody() {
        Generator<Integer> g = generator(bodies().wrongYielder(this::generator));
        assertThrows(IllegalStateException.class, g::next);
        assertEquals(Generator.State.CLOSED, g.state());
    }

    // ----------------------------------------------------------------------------------------
    // Views

    @Test
    void iteratorIsLazy() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generator(bodies().infinite(log));
        Iterator<Integer> it = g.iterator();
        assertEquals(List.of(), log);
        assertTrue(it.hasNext());
        assertTrue(it.hasNext());
        assertEquals(List.of("produce 0"), log);
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        assertEquals(List.of("produce 0", "produce 1"), log);
    }

    @Test
    void forEachVisitsEveryValue() {
        List<Integer> seen = new ArrayList<>();
        for (int v : generatorReturning(bodies().counter(4))) {
            seen.add(v);
        }
        assertEquals(List.of(0, 1, 2, 3), seen);
    }

    @Test
    void iteratorEndsWhenTheBodyReturns() {
        Iterator<Integer> it = generatorReturning(bodies().counter(1)).iterator();
        assertEquals(0, it.next());
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
    }

    @Test
    void streamIsLazyAndClosingItClosesTheGenerator() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = generator(bodies().infinite(log));
        try (Stream<Integer> s = g.stream()) {
            Stream<Integer> firstThree = s.limit(3);
            assertEquals(List.of(), log);
            assertEquals(List.of(0, 2, 4), firstThree.map(v -> v * 2).toList());
            assertEquals(List.of("produce 0", "produce 1", "produce 2"), log);
            assertEquals(Generator.State.SUSPENDED, g.state());
        }
        assertEquals(Generator.State.CLOSED, g.state());
        assertEquals("closed", log.get(log.size() - 1));
    }

    // ----------------------------------------------------------------------------------------
    // Frames

    @Test
    void deepRecursionSuspendsAndResumesWithItsLocals() {
        int depth = 1_000;
        Generator<Long> g = generator(bodies().deep(depth));
        assertEquals(depth, g.next());
        long sum = 5;
        long expectedTotal = 5;
        for (int level = 1; level <= depth; level++) {
            expectedTotal += level;
        }
        long running = 5;
        List<Long> expected = new ArrayList<>();
        for (int level = 1; level <= depth; level++) {
            running += level;
            if (level % 100 == 0) {
                expected.add(running);
            }
        }
        List<Long> actual = new ArrayList<>();
        actual.add(g.send(sum));
        for (int i = 1; i < expected.size(); i++) {
            actual.add(g.next());
        }
        assertEquals(expected, actual);
        assertEquals(-expectedTotal, g.next());
        assertThrows(GeneratorExhaustedException.class, g::next);
    }

    @Test
    void localsOfEveryKindSurviveSuspension() {
        Generator<String> g = generator(bodies().mixedLocals());
        int i = 7;
        long l = 1L << 40;
        float f = 1.5f;
        double d = 2.25;
        String s = "s";
        int[] arr = {1, 2, 3};
        char c = 'x';
        boolean flag = true;
        for (int round = 0; round < 3; round++) {
            assertEquals(i + " " + l + " " + f + " " + d + " " + s + " " + Arrays.toString(arr) + " null " + c + " " + flag,
                    g.next());
            i++;
            l <<= 1;
            f *= 2;
            d *= 2;
            s = s + round;
            arr[round] *= 10;
            c++;
            flag = !flag;
        }
        assertEquals(i + " " + l + " " + f + " " + d + " " + s + " " + Arrays.toString(arr) + " null " + c + " " + flag,
                g.next());
    }
}
