package dev.weft.fiber.impl.probe;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.core.StackfulContinuation;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the bytes of a parked fiber go: parks {@value #FIBERS} fibers at stack depth 1, takes a
 * class histogram (the {@code GC.class_histogram} diagnostic command, which runs a full GC
 * first, so it counts live objects only) and prints bytes per fiber for each class involved,
 * next to a bare continuation suspended at depth 1. The counts are asserted (every parked fiber
 * retains its fiber object, which is its continuation too, its scheduler task and one stack
 * chunk); the sizes depend on the JIT and are printed for docs/internals.md.
 */
class ParkedFiberFootprintTest {
    private static final int FIBERS = 20_000;
    /** Rounds of park-and-wake, so that the measured round runs C2-compiled frames. */
    private static final int ROUNDS = 8;
    private static final StackfulContinuation.Scope SCOPE = new StackfulContinuation.Scope("footprint-probe");

    private static final class Bare extends StackfulContinuation {
        Bare() {
            super(SCOPE);
        }

        @Override
        protected void enter() {
            StackfulContinuation.yield(SCOPE);
        }
    }

    @Test
    void parkedFiberRetainsItsFiberItsTaskAndOneStackChunk() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(1)) {
            Fiber<?>[] fibers = new Fiber<?>[FIBERS];
            for (int round = 0; round < ROUNDS; round++) { // the last round runs compiled code
                for (int i = 0; i < FIBERS; i++) {
                    fibers[i] = Fiber.builder().scheduler(s).start(() -> Fiber.park());
                }
                for (Fiber<?> f : fibers) {
                    while (f.state() != Fiber.State.PARKED) {
                        Thread.onSpinWait();
                    }
                }
                if (round == ROUNDS - 1) {
                    Map<String, long[]> h = histogram("jdk.internal.vm.StackChunk", "dev.weft.fiber.impl.core.FiberImpl",
                            "dev.weft.fiber.impl.core.FiberImpl$Task");
                    long perFiber = 0;
                    StringBuilder line = new StringBuilder("ParkedFiberFootprintTest: bytes per parked fiber at depth 1:");
                    for (Map.Entry<String, long[]> e : h.entrySet()) {
                        assertTrue(e.getValue()[0] >= FIBERS, e.getKey() + " instances: " + e.getValue()[0]);
                        long bytes = e.getValue()[1] / e.getValue()[0];
                        perFiber += bytes;
                        line.append(' ').append(e.getKey().substring(e.getKey().lastIndexOf('.') + 1)).append('=').append(bytes);
                    }
                    System.out.println(line.append(", total=").append(perFiber));
                }
                for (Fiber<?> f : fibers) {
                    f.unpark();
                }
                for (Fiber<?> f : fibers) {
                    f.join();
                }
            }
        }
    }

    @Test
    void bareContinuationAtDepthOneForComparison() throws Exception {
        Bare[] bare = new Bare[FIBERS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < FIBERS; i++) {
                bare[i] = new Bare();
                bare[i].resume();
            }
            if (round == ROUNDS - 1) {
                Map<String, long[]> h = histogram("jdk.internal.vm.StackChunk", Bare.class.getName());
                long chunk = h.get("jdk.internal.vm.StackChunk")[1] / FIBERS;
                long object = h.get(Bare.class.getName())[1] / FIBERS;
                assertEquals(FIBERS, h.get(Bare.class.getName())[0]);
                System.out.println("ParkedFiberFootprintTest: bare continuation at depth 1: StackChunk=" + chunk
                        + " continuation=" + object + ", total=" + (chunk + object));
            }
            for (Bare b : bare) {
                b.resume();
                assertTrue(b.isFinished());
            }
        }
    }

    /** Instances and bytes of each named class, from the live-object class histogram. */
    private static Map<String, long[]> histogram(String... classes) throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4) {
                for (String c : classes) {
                    if (cols[3].equals(c)) {
                        out.put(c, new long[] {Long.parseLong(cols[1]), Long.parseLong(cols[2])});
                    }
                }
            }
        }
        for (String c : classes) {
            assertTrue(out.containsKey(c), "no " + c + " in the class histogram");
        }
        return out;
    }
}
