package dev.weft.fiber.impl.core;

import dev.weft.fiber.impl.util.CurrentThread;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tells whether the calling fiber's own frames hold a monitor ({@code synchronized}), so that a
 * suspension can refuse to unmount it.
 *
 * <h2>Why a fiber must not unmount while it holds a monitor</h2>
 * With JDK 25's lightweight locking, {@code Continuation.yield} freezes a continuation that
 * holds monitors (the JVM counts held monitors only in the deprecated legacy locking mode). A
 * monitor that is or becomes <em>inflated</em> records the carrier <em>thread</em> as its owner,
 * so once the fiber has unmounted, another fiber on that carrier enters the monitor as a
 * recursive acquisition (mutual exclusion lost), and the holder, resumed on another carrier,
 * leaves it without releasing it (contenders then wait for good). See docs/internals.md and
 * {@code MonitorAcrossSuspensionTest}.
 *
 * <h2>Implementation overview</h2>
 * No JDK interface tells cheaply, without extra flags, whether the current thread owns a
 * monitor (the ones that do: {@code ThreadMXBean} with locked monitors, ~23 us and a VM
 * operation; {@code LiveStackFrame.getMonitors}, which needs {@code --add-opens}). What is
 * available is a {@link StackWalker} walk with bytecode indexes. {@link #heldBy} walks the
 * caller's frames up to the fiber's entry ({@code FiberImpl.mount}), and for each frame looks its
 * method and bytecode index up in {@link MonitorRegions}, computed once per class from its class
 * file (a {@link ClassValue}, so classes can still be unloaded). A frame of a class with no
 * monitor anywhere costs one {@code ClassValue} lookup.
 *
 * <p>Frames of hidden classes (lambda proxies, method-handle forms) are taken to hold no
 * monitor: the JDK generates them, and they do not lock. A class whose bytes cannot be read (a
 * class defined at run time without a resource) is checked for {@code synchronized} methods
 * only, by reflection; a {@code synchronized} block inside such a class is not seen.
 *
 * <p>Cost: one walk of the classes on the stack per suspension point (no method information
 * resolved), and a second, precise walk only when some class on the stack can hold a monitor;
 * see docs/internals.md for the measured cost. In a JVM started with {@code -XX:LockingMode=1}
 * the JVM pins such a suspension itself and no walk is made ({@link #JVM_PINS_MONITORS}). It can be turned
 * off with {@code -Dweft.fiber.checkMonitors=false} by an application that never suspends a
 * fiber inside {@code synchronized}: then such a suspension breaks the monitor as described above.
 */
final class HeldMonitors {

    /**
     * Whether the JVM itself refuses to unmount a continuation that holds a monitor. It does in
     * the legacy locking mode ({@code -XX:LockingMode=1}, deprecated since JDK 24, still there in
     * JDK 25), which counts the monitors each thread holds: {@code Continuation.yield} inside
     * {@code synchronized} then comes back pinned ({@code onPinned(MONITOR)}), for every monitor,
     * JNI's and hidden classes' included, at no cost to a suspension that holds none; the
     * suspension points then block the carrier through their ordinary pinned path, and the walk
     * is not needed. Found out once, by trying: a continuation yields inside a monitor
     * ({@link #jvmPinsHeldMonitors()}). False with the default lightweight locking.
     */
    static final boolean JVM_PINS_MONITORS = jvmPinsHeldMonitors();

    /**
     * Whether suspensions walk the stack for held monitors: {@code weft.fiber.checkMonitors}
     * (default true), unless the JVM already {@linkplain #JVM_PINS_MONITORS pins} them.
     */
    static final boolean ENABLED = !JVM_PINS_MONITORS
            && !"false".equalsIgnoreCase(System.getProperty("weft.fiber.checkMonitors", "true"));

    /**
     * Frames fetched by the JVM in the first batch of a walk: a fiber's stack at a suspension
     * point is usually shallower, so one batch does.
     */
    private static final int BATCH = 16;

    /** Classes only, no method names or indexes: the cheap first look. */
    private static final StackWalker CLASSES = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.DROP_METHOD_INFO), BATCH);

    /** With method names and bytecode indexes, for a stack where some class can hold a monitor. */
    private static final StackWalker FRAMES = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), BATCH);

    private static final ClassValue<MonitorRegions> REGIONS = new ClassValue<>() {
        @Override
        protected MonitorRegions computeValue(Class<?> c) {
            return regionsOf(c);
        }
    };

    private static final String CORE = "dev.weft.fiber.impl.core.";
    private static final System.Logger LOG = System.getLogger("dev.weft.fiber.pinning");

    private HeldMonitors() {
    }

    /**
     * Runs a continuation that yields inside a {@code synchronized} block, on this thread, and
     * says whether the JVM refused the yield. If the yield succeeded, the continuation is resumed
     * at once on the same thread, which leaves the monitor as it should.
     */
    private static boolean jvmPinsHeldMonitors() {
        final class MonitorProbe extends StackfulContinuation {
            static final Scope SCOPE = new Scope("weft-monitor-probe");
            private final Object lock = new Object();
            String pinnedBy;

            MonitorProbe() {
                super(SCOPE);
            }

            @Override
            protected void enter() {
                synchronized (lock) {
                    StackfulContinuation.yield(SCOPE);
                }
            }

            @Override
            protected void pinned(String reason) {
                pinnedBy = reason;
            }
        }
        try {
            MonitorProbe probe = new MonitorProbe();
            probe.resume();
            if (!probe.isFinished()) {
                probe.resume();
            }
            // Only a refusal for the monitor counts: a yield refused for another reason says
            // nothing about monitors, and the walk, the safe choice, stays on.
            return "MONITOR".equals(probe.pinnedBy);
        } catch (RuntimeException | LinkageError e) {
            return false; // cannot tell: walk, the safe choice
        }
    }

    /**
     * The innermost frame of the calling fiber that holds a monitor, as a stack trace element,
     * or null if none does. Called by the fiber itself, on its own stack.
     */
    static StackTraceElement heldBy() {
        try {
            return (StackTraceElement) walk.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e; // a StackOverflowError or OutOfMemoryError of the walk reaches the caller as itself
        } catch (Throwable t) {
            throw new AssertionError("the held-monitor walk throws no checked exception", t);
        }
    }

    /**
     * {@link #walk()}, called through a method handle in a non-final field so that the JIT
     * cannot inline it into the suspension point. Inlined, the stream and iterator code of the
     * walk made the compiled frame of {@code FiberImpl.park0} so large that every parked fiber's
     * frozen stack grew by about 200 bytes (a million parked fibers: 305 MiB of heap after GC
     * without the check, 510 MiB with it inlined, 15 MiB more than without it when called
     * through this handle; {@code ForkedJvmTest}). A frame of ours is frozen with every parked
     * fiber, so what it inlines matters.
     */
    private static MethodHandle walk = CurrentThread.staticHandle(MethodHandles.lookup(), HeldMonitors.class, "walk",
            MethodType.methodType(StackTraceElement.class));

    private static StackTraceElement walk() {
        if (!CLASSES.walk(HeldMonitors::anyClassCanHold)) {
            return null; // the common case: one walk of classes, no method resolved
        }
        return FRAMES.walk(HeldMonitors::firstHolder);
    }

    /**
     * Whether some frame of the fiber has a class with a method that can hold a monitor. Without
     * method names, the fiber's entry is recognised as {@code FiberImpl.mount} calling
     * {@code StackfulContinuation.resume}: a {@code FiberImpl} frame right below a
     * {@code StackfulContinuation} frame (a generator's {@code resume} has a generator below it).
     */
    private static boolean anyClassCanHold(Stream<StackWalker.StackFrame> frames) {
        Iterator<StackWalker.StackFrame> it = frames.iterator();
        Class<?> above = null;
        while (it.hasNext()) {
            Class<?> c = it.next().getDeclaringClass();
            if (c == FiberImpl.class && above == StackfulContinuation.class) {
                return false;
            }
            if (REGIONS.get(c).any()) {
                return true;
            }
            above = c;
        }
        return false;
    }

    private static StackTraceElement firstHolder(Stream<StackWalker.StackFrame> frames) {
        Iterator<StackWalker.StackFrame> it = frames.iterator();
        while (it.hasNext()) {
            StackWalker.StackFrame f = it.next();
            Class<?> c = f.getDeclaringClass();
            if (c == FiberImpl.class && "mount".equals(f.getMethodName())) {
                return null; // the fiber's entry: below it are the carrier's frames
            }
            MonitorRegions r = REGIONS.get(c);
            if (r.any() && r.holdsAt(f.getMethodName(), f.getDescriptor(), f.getByteCodeIndex())) {
                return f.toStackTraceElement();
            }
        }
        return null;
    }

    private static MonitorRegions regionsOf(Class<?> c) {
        if (c.isHidden() || c.isArray() || c.isPrimitive() || isWeftCore(c)) {
            return MonitorRegions.NONE;
        }
        String resource = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            if (in != null) {
                MonitorRegions r = MonitorRegions.of(in.readAllBytes());
                if (r != MonitorRegions.UNREADABLE) {
                    return r;
                }
            }
        } catch (IOException | RuntimeException | LinkageError unreadable) {
            // fall through to reflection
        }
        LOG.log(System.Logger.Level.DEBUG, "Weft cannot read the class file of " + c.getName()
                + "; a fiber suspended inside one of its synchronized blocks (not methods) would not be seen"
                + " holding the monitor");
        return synchronizedMethodsOf(c);
    }

    /** A class of this package from this jar: Weft's core never suspends a fiber inside a monitor of its own. */
    private static boolean isWeftCore(Class<?> c) {
        return c.getName().startsWith(CORE)
                && java.util.Objects.equals(c.getProtectionDomain().getCodeSource(),
                        HeldMonitors.class.getProtectionDomain().getCodeSource());
    }

    /** For a class without readable bytes: its {@code synchronized} methods hold their monitor throughout. */
    private static MonitorRegions synchronizedMethodsOf(Class<?> c) {
        Map<String, Set<String>> sync = new HashMap<>();
        try {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isSynchronized(m.getModifiers())) {
                    sync.computeIfAbsent(m.getName(), k -> new java.util.HashSet<>())
                            .add(java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                                    .toMethodDescriptorString());
                }
            }
        } catch (LinkageError | SecurityException e) {
            return MonitorRegions.NONE;
        }
        return MonitorRegions.wholeMethods(sync);
    }
}
