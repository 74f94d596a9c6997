package dev.weft.fiber.impl.exec;

import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Builds JDK virtual threads carried by an {@link Executor} of our choosing (a Weft scheduler).
 *
 * <p>JDK 25 has no public API for a custom virtual-thread scheduler. It keeps one package-private
 * door: {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}, the constructor the JDK's
 * own tests use. Its instance is the JDK's own {@link Thread.Builder.OfVirtual} (that interface is
 * sealed to it), so users get exactly the JDK builder. Reaching the constructor takes
 * {@code setAccessible}, which needs {@code java.lang} opened to Weft; that is the only reflection
 * used. The constructor is looked up once, on first use; a failed lookup is not cached, so every
 * call repeats the same clear message.
 *
 * <p>Two failures are told apart, each with a message that says what to do: the JVM does not open
 * {@code java.lang} (start it with the flag), and this JDK has no such constructor (a later JDK
 * removed or changed it: use the raw-fiber executors or the JDK's own virtual threads). The
 * lookup is a {@link ConstructorLookup} so that a test can simulate the second on a JDK that has it.
 */
public final class VirtualThreadBuilders {

    /** The class-path form of the flag, as a user types it. */
    public static final String REQUIRED_FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    static final String BUILDER_CLASS = "java.lang.ThreadBuilders$VirtualThreadBuilder";

    /** Finds the constructor; the seam for tests. */
    @FunctionalInterface
    interface ConstructorLookup {
        Constructor<?> find() throws ReflectiveOperationException;
    }

    /** The lookup of the running JDK. */
    static final ConstructorLookup JDK = () -> Class.forName(BUILDER_CLASS).getDeclaredConstructor(Executor.class);

    /** The accessible constructor, once found; written at most once per success (idempotent). */
    private static volatile Constructor<?> constructor;

    private VirtualThreadBuilders() {
    }

    /**
     * A new JDK virtual-thread builder whose threads run on {@code scheduler}.
     *
     * @throws IllegalStateException naming the flag, or saying the JDK lacks the constructor
     */
    public static Thread.Builder.OfVirtual builderOn(Executor scheduler) {
        Constructor<?> c = constructor;
        if (c == null) {
            c = accessibleConstructor(JDK);
            constructor = c;
        }
        return newBuilder(c, scheduler);
    }

    /** {@link #builderOn} with a given lookup, never cached: for tests of the failure messages. */
    static Thread.Builder.OfVirtual builderOn(Executor scheduler, ConstructorLookup lookup) {
        return newBuilder(accessibleConstructor(lookup), scheduler);
    }

    private static Thread.Builder.OfVirtual newBuilder(Constructor<?> c, Executor scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        try {
            return (Thread.Builder.OfVirtual) c.newInstance(scheduler);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw missing(e);
        }
    }

    static Constructor<?> accessibleConstructor(ConstructorLookup lookup) {
        Constructor<?> c;
        try {
            c = lookup.find();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw missing(e);
        }
        try {
            c.setAccessible(true);
        } catch (InaccessibleObjectException | SecurityException e) {
            throw notOpened(e);
        }
        return c;
    }

    private static IllegalStateException notOpened(RuntimeException cause) {
        Module weft = VirtualThreadBuilders.class.getModule();
        String flag = weft.isNamed() ? "--add-opens java.base/java.lang=" + weft.getName() : REQUIRED_FLAG;
        return new IllegalStateException("Weft runs virtual threads on a Weft scheduler through the JDK's "
                + BUILDER_CLASS + "(Executor) constructor, which this JVM does not open to Weft. "
                + "Start the JVM with:  " + flag
                + "  (Maven Surefire/exec: add it to argLine or the java arguments next to Weft's --add-exports; "
                + "an executable JAR: manifest attribute 'Add-Opens: java.base/java.lang'). "
                + "Without it, use FiberExecutors.newRawFiberPerTaskExecutor or the JDK's own virtual threads.", cause);
    }

    private static IllegalStateException missing(Throwable cause) {
        return new IllegalStateException("This JDK (" + Runtime.version() + ") has no " + BUILDER_CLASS
                + "(Executor) constructor, which Weft needs to run virtual threads on a Weft scheduler "
                + "(JDK 25 has it; a later JDK may remove it or replace it with a public scheduler API). "
                + "Use FiberExecutors.newRawFiberPerTaskExecutor for Weft fibers, or "
                + "Executors.newVirtualThreadPerTaskExecutor() for virtual threads on the JDK's scheduler.", cause);
    }
}
