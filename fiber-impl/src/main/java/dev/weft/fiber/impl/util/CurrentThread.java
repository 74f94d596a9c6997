package dev.weft.fiber.impl.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@link Thread#currentThread()} for code that may run inside a fiber after a suspension.
 *
 * <p>C2 compiles {@code Thread.currentThread()} to a load that it may share across a whole
 * compiled method (and everything inlined into it). In a fiber that suspended on one carrier and
 * resumed on another, such a shared load still names the first carrier. Scheduler code that
 * decides "is the caller one of my carriers, and which" may be inlined into a fiber's frame (for
 * example through {@code Fiber.unpark()}), so it uses {@link #get()}: the read happens in a
 * method called through a method handle held in a non-final field, which C2 cannot inline, so
 * it is always a separate compiled method that reads the thread afresh. Cost: one indirect call.
 */
public final class CurrentThread {

    /** Non-final on purpose: a constant method handle would be inlined, and the read with it. */
    private static MethodHandle lookup =
            staticHandle(MethodHandles.lookup(), Thread.class, "currentThread", MethodType.methodType(Thread.class));
    /** {@link Thread#interrupted()}, non-final for the same reason. */
    private static MethodHandle interrupted =
            staticHandle(MethodHandles.lookup(), Thread.class, "interrupted", MethodType.methodType(boolean.class));

    private CurrentThread() {
    }

    /**
     * A static method found by {@code lookup}, for the non-final handle fields that keep a call
     * from being inlined (here, {@link HeldMonitors}, {@link StackfulContinuation}); a missing
     * method is a build error, so it fails class initialisation.
     */
    public static MethodHandle staticHandle(MethodHandles.Lookup lookup, Class<?> owner, String name, MethodType type) {
        try {
            return lookup.findStatic(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link Thread#interrupted()} of the thread running the caller, read afresh (see the class comment). */
    public static boolean clearInterrupt() {
        try {
            return (boolean) interrupted.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("Thread.interrupted() cannot throw", t);
        }
    }

    /** The thread running the caller, read in a separate compiled method (see the class comment). */
    public static Thread get() {
        try {
            return (Thread) lookup.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("Thread.currentThread() cannot throw", t);
        }
    }
}
