package dev.weft.it.consumer;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Generator;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Uses Weft as a user would, through the API only. Exits with status 1, saying why, when
 * something is not as the README promises.
 *
 * <ul>
 *   <li>{@code class-path}, {@code module-path}: a fiber on the default scheduler, fibers on a
 *       work-stealing scheduler that sleep, park and are unparked, and a stackful generator.</li>
 *   <li>{@code without-flag} (JVM started without {@code --add-exports}): the first use must fail
 *       with {@link IllegalStateException} whose message shows the flag to add, for a fiber and
 *       for a stackful generator alike.</li>
 * </ul>
 */
public final class ConsumerCheck {
    private static final String FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    private ConsumerCheck() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 1 ? args[0] : "";
        switch (mode) {
            case "class-path", "module-path" -> runFibersAndGenerator(mode);
            case "without-flag" -> expectFlagError();
            default -> fail("usage: ConsumerCheck class-path|module-path|without-flag");
        }
    }

    private static void runFibersAndGenerator(String mode) throws Exception {
        boolean modular = ConsumerCheck.class.getModule().isNamed();
        check(modular == mode.equals("module-path"), "expected to run " + (modular ? "not " : "") + "as a named module");

        int answer = Fiber.start(() -> 6 * 7).get();
        check(answer == 42, "a fiber on the default scheduler returned " + answer);

        try (FiberScheduler scheduler = Schedulers.workStealing(2)) {
            AtomicBoolean released = new AtomicBoolean();
            Fiber<?> parked = Fiber.builder().name("parked").scheduler(scheduler).start(() -> {
                while (!released.get()) {
                    Fiber.park(); // suspends the fiber; may return spuriously, hence the loop
                }
            });
            Fiber<Integer> sleeper = Fiber.builder().name("sleeper").scheduler(scheduler).start(() -> {
                Fiber.sleep(Duration.ofMillis(5));
                return Fiber.current().name().length();
            });
            released.set(true);
            parked.unpark();
            check(parked.join(Duration.ofSeconds(30)), "the parked fiber did not end after unpark()");
            check(sleeper.get(Duration.ofSeconds(30)) == "sleeper".length(), "the sleeping fiber's result");
        }

        List<Integer> values = new ArrayList<>();
        try (Generator<Integer> counter = Generators.stackful(y -> {
            for (int i = 1; i <= 3; i++) {
                y.yield(i);
            }
        })) {
            for (int v : counter) {
                values.add(v);
            }
        }
        check(values.equals(List.of(1, 2, 3)), "the generator yielded " + values);

        System.out.println("consumer check (" + mode + "): fiber, scheduler and generator ran as documented");
    }

    private static void expectFlagError() {
        expectFlagError("Fiber.start", () -> Fiber.start(() -> 1).get());
        expectFlagError("Generators.stackful", () -> Generators.stackful(y -> y.yield(1)).next());
        System.out.println("consumer check (without-flag): the error names " + FLAG);
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void expectFlagError(String what, Action action) {
        try {
            action.run();
        } catch (IllegalStateException e) {
            check(e.getMessage() != null && e.getMessage().contains(FLAG),
                    what + " without the flag threw IllegalStateException without naming the flag: " + e.getMessage());
            return;
        } catch (Throwable t) {
            t.printStackTrace();
            fail(what + " without the flag threw " + t + " instead of an IllegalStateException naming " + FLAG);
        }
        fail(what + " without the flag did not fail; is the flag set after all?");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            fail("consumer check failed: " + what);
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
