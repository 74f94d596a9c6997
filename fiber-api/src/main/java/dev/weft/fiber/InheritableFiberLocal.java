package dev.weft.fiber;

import dev.weft.fiber.spi.ExecutorProvider;

/**
 * A {@link FiberLocal} whose value a new fiber takes from the fiber or thread that creates it,
 * as {@code InheritableThreadLocal} does for threads: when a fiber is created (by
 * {@link Fiber.Builder#unstarted}, {@link Fiber.Builder#start}, or a raw-fiber executor of
 * {@link FiberExecutors} at {@code submit}/{@code execute}), it gets {@link #childValue} of each of its creator's
 * values; a thread created by a thread gets them too. Later changes on either side are not seen
 * by the other.
 *
 * <p>Not inherited: by a virtual thread started from inside a raw fiber (the JDK copies the
 * carrier thread's values, not the fiber's); set the value in the virtual thread instead.
 *
 * @param <T> the type of the value
 */
public class InheritableFiberLocal<T> extends FiberLocal<T> {

    /** Creates an inheritable fiber-local variable. */
    public InheritableFiberLocal() {
        ExecutorProvider.get().enableInheritance(InheritableFiberLocal.class,
                (key, parentValue) -> ((InheritableFiberLocal<?>) key).inherit(parentValue));
    }

    /**
     * The child's value, from the parent's, computed in the parent when the child is created.
     *
     * @param parentValue the creating fiber's (or thread's) value
     * @return the new fiber's (or thread's) value; by default {@code parentValue}
     */
    protected T childValue(T parentValue) {
        return parentValue;
    }

    @SuppressWarnings("unchecked")
    private Object inherit(Object parentValue) {
        return childValue((T) parentValue);
    }

    @Override
    boolean isInheritable() {
        return true;
    }
}
