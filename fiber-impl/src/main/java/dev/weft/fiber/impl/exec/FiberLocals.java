package dev.weft.fiber.impl.exec;

import dev.weft.fiber.impl.core.FiberImpl;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiFunction;

/**
 * Storage of {@code FiberLocal} values. A fiber's values are one map in its {@link FiberImpl#locals()}
 * slot, touched only by that fiber (and by its creator before it starts), so a plain
 * {@link IdentityHashMap} does; it dies with the fiber. Outside fibers, a thread's values are in
 * one of two {@code ThreadLocal} maps (weakly keyed, as {@code ThreadLocal} itself is):
 * {@link #THREAD_VALUES}, and {@link #INHERITABLE_THREAD_VALUES} for {@code InheritableFiberLocal}s,
 * which an {@code InheritableThreadLocal} copies into child threads.
 *
 * <p><b>Inheritance into fibers</b> happens at creation ({@link #inherit}), from the creating
 * fiber's map, or the creating thread's inheritable map. It is off until the first
 * {@code InheritableFiberLocal} exists ({@link #inheritance}, a volatile read per fiber creation),
 * so programs without one pay nothing more at spawn.
 *
 * <p>Not here: a virtual thread started from a raw fiber inherits its carrier thread's map
 * (the JDK copies the creating thread's {@code InheritableThreadLocal}s, and in a raw fiber that
 * is the carrier); documented on {@code InheritableFiberLocal}.
 */
public final class FiberLocals {

    /** How to inherit, once an {@code InheritableFiberLocal} exists; else null. */
    private record Inheritance(Class<?> keyType, BiFunction<Object, Object, Object> childValue) {
    }

    private static volatile Inheritance inheritance;

    private static final ThreadLocal<Map<Object, Object>> THREAD_VALUES = ThreadLocal.withInitial(WeakHashMap::new);

    private static final InheritableThreadLocal<Map<Object, Object>> INHERITABLE_THREAD_VALUES = new InheritableThreadLocal<>() {
        @Override
        protected Map<Object, Object> initialValue() {
            return new WeakHashMap<>();
        }

        @Override
        protected Map<Object, Object> childValue(Map<Object, Object> parent) {
            Map<Object, Object> child = new WeakHashMap<>();
            Inheritance how = inheritance;
            if (how != null) {
                parent.forEach((k, v) -> child.put(k, how.childValue().apply(k, v)));
            }
            return child;
        }
    };

    private FiberLocals() {
    }

    /** The calling strand's values; see {@code ExecutorProvider.currentLocals}. */
    @SuppressWarnings("unchecked")
    public static Map<Object, Object> current(boolean inheritable) {
        FiberImpl<?> f = FiberImpl.current();
        if (f != null) {
            Object m = f.locals();
            if (m == null) {
                m = new IdentityHashMap<>();
                f.locals(m);
            }
            return (Map<Object, Object>) m;
        }
        return inheritable ? INHERITABLE_THREAD_VALUES.get() : THREAD_VALUES.get();
    }

    public static void enableInheritance(Class<?> keyType, BiFunction<Object, Object, Object> childValue) {
        if (inheritance == null) {
            inheritance = new Inheritance(keyType, childValue); // any racing writer writes an equivalent one
        }
    }

    /**
     * Gives {@code child}, just created by the calling strand and not yet started, copies of the
     * caller's inheritable values. Returns {@code child}.
     */
    @SuppressWarnings("unchecked")
    public static <F extends FiberImpl<?>> F inherit(F child) {
        Inheritance how = inheritance;
        if (how == null) {
            return child;
        }
        FiberImpl<?> parent = FiberImpl.current();
        Map<Object, Object> from;
        if (parent != null) {
            from = (Map<Object, Object>) parent.locals();
        } else {
            from = INHERITABLE_THREAD_VALUES.get();
        }
        if (from == null || from.isEmpty()) {
            return child;
        }
        Map<Object, Object> to = null;
        for (Map.Entry<Object, Object> e : from.entrySet()) {
            if (how.keyType().isInstance(e.getKey())) {
                if (to == null) {
                    to = new IdentityHashMap<>();
                }
                to.put(e.getKey(), how.childValue().apply(e.getKey(), e.getValue()));
            }
        }
        if (to != null) {
            child.locals(to);
        }
        return child;
    }
}
