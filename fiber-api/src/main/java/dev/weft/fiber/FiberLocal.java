package dev.weft.fiber;

import dev.weft.fiber.spi.ExecutorProvider;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A variable with one value per fiber: {@code ThreadLocal} for Weft fibers. In a Weft fiber, the
 * value is that fiber's own, whichever carrier thread runs it and however often it migrates;
 * outside a fiber it is the calling thread's own (a platform thread, or a virtual thread, so in
 * {@link FiberExecutors}' virtual-thread mode every task has its own too). A value one fiber sets
 * is never seen by another fiber, on the same carrier or elsewhere, concurrently or later.
 *
 * <p>Why not a {@code ThreadLocal}: in a raw fiber, {@code Thread.currentThread()} is the carrier,
 * so a {@code ThreadLocal} set by a fiber stays with the carrier (the next fiber there sees it)
 * and is lost when the fiber resumes on another carrier; a {@code ScopedValue} binding entered in
 * a fiber that suspends inside it also leaks to the carrier. See {@code docs/internals.md},
 * "ThreadLocal and ScopedValue in raw fibers".
 *
 * <pre>{@code
 * static final FiberLocal<String> REQUEST_ID = new FiberLocal<>();
 * REQUEST_ID.set(id);            // in the fiber that handles the request
 * log(REQUEST_ID.get() + ": ..."); // any code the same fiber runs, after any suspension
 * }</pre>
 *
 * <p>Values are held strongly by their fiber (until it is unreachable) or by their thread (weakly
 * keyed by the {@code FiberLocal}, as a {@code ThreadLocal}'s are); keep {@code FiberLocal}s in
 * {@code static final} fields. Not meant for sharing between fibers: each fiber reads and writes
 * its own values, without synchronization. See {@link InheritableFiberLocal} for values that
 * new fibers take from the fiber or thread that creates them.
 *
 * @param <T> the type of the value
 */
public class FiberLocal<T> {
    private static final Object ABSENT = new Object();

    /** Creates a fiber-local variable whose initial value is {@link #initialValue()} ({@code null} unless overridden). */
    public FiberLocal() {
    }

    /**
     * Creates a fiber-local variable whose initial value, in each fiber or thread, is what
     * {@code supplier} returns on its first {@link #get()}.
     *
     * @param <S> the type of the value
     * @param supplier supplies the initial value
     * @return a new fiber-local variable
     * @throws NullPointerException if {@code supplier} is null
     */
    public static <S> FiberLocal<S> withInitial(Supplier<? extends S> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return new FiberLocal<>() {
            @Override
            protected S initialValue() {
                return supplier.get();
            }
        };
    }

    /**
     * The value of a fiber or thread that has none yet, called by its first {@link #get()}
     * (and again by a {@code get()} after {@link #remove()}).
     *
     * @return the initial value; {@code null} unless overridden
     */
    protected T initialValue() {
        return null;
    }

    /**
     * The calling fiber's value (or, outside a fiber, the calling thread's), first set to
     * {@link #initialValue()} if it has none.
     *
     * @return the current fiber's (or thread's) value
     */
    @SuppressWarnings("unchecked")
    public T get() {
        Map<Object, Object> values = values();
        Object v = values.getOrDefault(this, ABSENT);
        if (v == ABSENT) {
            T initial = initialValue();
            values.put(this, initial);
            return initial;
        }
        return (T) v;
    }

    /**
     * Sets the calling fiber's value (or, outside a fiber, the calling thread's).
     *
     * @param value the new value, may be null
     */
    public void set(T value) {
        values().put(this, value);
    }

    /**
     * Removes the calling fiber's value (or thread's): the next {@link #get()} calls
     * {@link #initialValue()} again.
     */
    public void remove() {
        values().remove(this);
    }

    /** Whether new fibers and threads take this variable's value from their creator. */
    boolean isInheritable() {
        return false;
    }

    private Map<Object, Object> values() {
        return ExecutorProvider.get().currentLocals(isInheritable());
    }
}
