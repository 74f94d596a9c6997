package dev.weft.fiber.impl.stackless;

import java.util.Arrays;

/**
 * The saved frames of one stackless coroutine, and the protocol by which transformed methods
 * suspend and resume. Runtime support for code rewritten by {@link SuspendableTransformer}:
 * transformed classes call the public methods here; application code does not.
 *
 * <h2>Implementation overview</h2>
 * <b>Frame strategy: every frame re-entered on resume.</b> When a coroutine suspends, each
 * transformed method on its call path, innermost first, pushes its live locals and operand
 * stack values here and returns a dummy value; the driver's call into the body then returns.
 * To resume, the driver calls the body again with {@link #isRestoring()} true: each transformed
 * method pops its own record on entry, reloads its locals and operand stack, jumps (through a
 * {@code tableswitch} on the saved call-site index) to the call it was suspended in and makes
 * that call again, until the innermost frame, the suspension primitive, is reached and clears
 * the flag. Both suspending and resuming therefore cost time proportional to the call depth,
 * and a suspended coroutine retains only the values its frames saved (no JVM stack).
 * Kotlin-style continuation objects (one object per frame, only the top frame resumed) were
 * rejected: they change every signature, need a continuation class per method, and still
 * allocate per frame on each suspension; the strategy here keeps signatures and allocates
 * nothing once the arrays have grown.
 *
 * <p><b>Layout.</b> Three LIFO arrays: {@code prims} (every primitive widened to a
 * {@code long}; floats and doubles by their raw bits), {@code refs}, and {@code frames} (a pair
 * per frame: the method's id and the call-site index). A frame pushes values first and its
 * header last, so the outermost frame's header is on top when the driver resumes; the method
 * id is checked on pop, which catches a suspension that crossed a method that was not
 * transformed.
 *
 * <p><b>Threads.</b> A frame stack is used by one thread at a time: the thread that called
 * the driver ({@link #install}) until the driver returns. The driver publishes the stack to the
 * next thread that resumes the coroutine through whatever hands the coroutine over (a
 * generator's state CAS, an executor's queue), so the fields are plain.
 *
 * <p><b>Outside a coroutine.</b> {@link #current()} returns the shared inert stack {@code NONE},
 * never null, whose flags are always false, so transformed code run outside any coroutine pays
 * two field reads per suspendable call and behaves exactly like the original.
 */
public final class FrameStack {

    /** The stack of "no coroutine": never restoring, never suspending, never written. */
    private static final FrameStack NONE = new FrameStack(null);

    /**
     * The stack current on a thread, in a mutable per-thread slot: a resume then costs one
     * thread-local lookup (the slot is kept for the matching uninstall) instead of a lookup and
     * two {@code ThreadLocal.set}s.
     */
    private static final class Slot {
        FrameStack current = NONE;
    }

    private static final ThreadLocal<Slot> CURRENT = ThreadLocal.withInitial(Slot::new);

    private static final int INITIAL_CAPACITY = 8;
    private static final long[] NO_PRIMS = {};
    private static final Object[] NO_REFS = {};
    private static final int[] NO_FRAMES = {};

    /** The generator or coroutine this stack belongs to (null only for {@link #NONE}). */
    private final Object owner;

    /** The slot of the thread this stack was last installed on; used by {@link #uninstall}. */
    private Slot slot;

    private long[] prims = NO_PRIMS;
    private int primTop;
    private Object[] refs = NO_REFS;
    private int refTop;
    private int[] frames = NO_FRAMES;
    private int frameTop;

    /** True from the driver's resume until the suspension primitive is reached again. */
    private boolean restoring;
    /** True from the primitive's suspension until the driver sees the body return. */
    private boolean suspending;

    /** What the primitive hands out when the coroutine suspends. */
    private Object yielded;
    /** What the primitive returns when resumed, or ... */
    private Object sent;
    /** ... what it throws when resumed (takes precedence). */
    private Throwable injected;

    /**
     * @param owner the generator or coroutine whose frames this stack holds
     */
    public FrameStack(Object owner) {
        this.owner = owner;
    }

    // ----------------------------------------------------------------------------------------
    // Used by transformed code

    /** The frame stack of the coroutine running on this thread, or the inert stack outside any. */
    public static FrameStack current() {
        return CURRENT.get().current;
    }

    /** Whether the coroutine is being resumed: a transformed method entered now must restore its frame. */
    public boolean isRestoring() {
        return restoring;
    }

    /** Whether the coroutine is unwinding: a transformed method whose call just returned must save its frame and return. */
    public boolean isSuspending() {
        return suspending;
    }

    /** Saves an {@code int} (also boolean, byte, char, short). Value first, so transformed code need not swap. */
    public static void pushInt(int value, FrameStack s) {
        s.pushPrim(value);
    }

    /** Saves a {@code long}. */
    public static void pushLong(long value, FrameStack s) {
        s.pushPrim(value);
    }

    /** Saves a {@code float} by its raw bits. */
    public static void pushFloat(float value, FrameStack s) {
        s.pushPrim(Float.floatToRawIntBits(value));
    }

    /** Saves a {@code double} by its raw bits. */
    public static void pushDouble(double value, FrameStack s) {
        s.pushPrim(Double.doubleToRawLongBits(value));
    }

    /** Saves a reference. */
    public static void pushRef(Object value, FrameStack s) {
        Object[] r = refs(s);
        r[s.refTop++] = value;
    }

    /** Restores an {@code int}. */
    public int popInt() {
        return (int) prims[--primTop];
    }

    /** Restores a {@code long}. */
    public long popLong() {
        return prims[--primTop];
    }

    /** Restores a {@code float}. */
    public float popFloat() {
        return Float.intBitsToFloat((int) prims[--primTop]);
    }

    /** Restores a {@code double}. */
    public double popDouble() {
        return Double.longBitsToDouble(prims[--primTop]);
    }

    /** Restores a reference, clearing its slot so a suspended coroutine retains nothing it no longer needs. */
    public Object popRef() {
        Object v = refs[--refTop];
        refs[refTop] = null;
        return v;
    }

    /**
     * Closes the record of a frame whose values were just pushed.
     *
     * @param methodId the transformed method's id (checked by {@link #popFrame(int)})
     * @param callSite the index of the call the method is suspended in
     */
    public void pushFrame(int methodId, int callSite) {
        int[] f = frames;
        if (frameTop + 2 > f.length) {
            f = frames = Arrays.copyOf(f, Math.max(INITIAL_CAPACITY, f.length * 2));
        }
        f[frameTop] = methodId;
        f[frameTop + 1] = callSite;
        frameTop += 2;
    }

    /**
     * Opens the record of the frame being restored.
     *
     * @return the call-site index saved by {@link #pushFrame(int, int)}
     * @throws IllegalStateException if the record belongs to another method: the suspension
     *         crossed a method the transformer did not rewrite, whose state is lost
     */
    public int popFrame(int methodId) {
        if (frameTop == 0 || frames[frameTop - 2] != methodId) {
            String found = frameTop == 0 ? "no saved frame" : "a frame of another method";
            restoring = false;
            throw new IllegalStateException("Weft stackless: cannot resume, found " + found + " where method id "
                    + methodId + " expected one: the coroutine suspended through a method that was not transformed "
                    + "(not @Suspendable, or its class not rewritten). See docs/generators.md.");
        }
        frameTop -= 2;
        return frames[frameTop + 1];
    }

    /** Thrown by transformed code if a saved call-site index is out of range (a corrupt stack). */
    public static Error badCallSite() {
        return new AssertionError("Weft stackless: saved call-site index out of range");
    }

    private void pushPrim(long value) {
        long[] p = prims;
        if (primTop == p.length) {
            p = prims = Arrays.copyOf(p, Math.max(INITIAL_CAPACITY, p.length * 2));
        }
        p[primTop++] = value;
    }

    private static Object[] refs(FrameStack s) {
        Object[] r = s.refs;
        if (s.refTop == r.length) {
            r = s.refs = Arrays.copyOf(r, Math.max(INITIAL_CAPACITY, r.length * 2));
        }
        return r;
    }

    // ----------------------------------------------------------------------------------------
    // Used by suspension primitives (hand-written methods that play the innermost frame)

    /** Method id of the plain suspension primitive {@link #suspendOrResume(Object, Object)}. */
    private static final int PRIMITIVE_ID = 0x5EED_0001;

    /**
     * The innermost frame of every suspension: called by a primitive such as a stackless
     * generator's {@code yield}. Not resuming: records {@code value} for the driver, starts the
     * unwinding and returns null (the return value is discarded by the transformed caller).
     * Resuming: ends the restore and returns the value sent in (or throws the one injected).
     *
     * @param owner the generator or coroutine the calling primitive belongs to
     * @throws IllegalStateException if this thread is not running {@code owner}'s stackless body
     */
    public static Object suspendOrResume(Object owner, Object value) {
        FrameStack s = checkCurrent(owner);
        if (s.restoring) {
            s.popFrame(PRIMITIVE_ID);
            return s.finishRestore();
        }
        s.pushFrame(PRIMITIVE_ID, 0);
        s.beginSuspend(value);
        return null;
    }

    /**
     * The frame stack of the running coroutine, checked to belong to {@code owner}.
     *
     * @throws IllegalStateException outside any stackless coroutine, inside another one, or when
     *         a suspension is already unwinding (a method on the path was not transformed)
     */
    public static FrameStack checkCurrent(Object owner) {
        FrameStack s = CURRENT.get().current;
        if (s == NONE) {
            throw new IllegalStateException("Weft stackless: suspension outside any stackless coroutine "
                    + "(a stackless yield or Coroutine.yieldNow called from plain code)");
        }
        if (s.owner != owner) {
            throw new IllegalStateException("Weft stackless: suspension of " + owner
                    + " called from inside another coroutine's body (" + s.owner + ")");
        }
        if (s.suspending) {
            s.suspending = false;
            throw new IllegalStateException("Weft stackless: a second suspension while the first was still unwinding: "
                    + "a method between the body and the yield was not transformed (mark it @Suspendable "
                    + "and run the transformer over its class). See docs/generators.md.");
        }
        return s;
    }

    /** Starts unwinding: records the value handed out and raises the flag transformed callers test. */
    public void beginSuspend(Object value) {
        yielded = value;
        suspending = true;
    }

    /**
     * Ends a restore at the innermost frame: clears the flag and returns the value sent in, or
     * throws the exception injected (unchecked or not, as the driver passed it).
     */
    public Object finishRestore() {
        restoring = false;
        Throwable t = injected;
        Object v = sent;
        injected = null;
        sent = null;
        if (t != null) {
            throw FrameStack.<RuntimeException>sneaky(t);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    // ----------------------------------------------------------------------------------------
    // Used by drivers (the generator or coroutine that calls the body)

    /**
     * Prepares a resumption and makes this stack current on the calling thread.
     *
     * @param sentValue what the pending suspension returns
     * @param injectedError what it throws instead, or null
     * @return the stack that was current before (to pass to {@link #uninstall(FrameStack)})
     */
    public FrameStack install(Object sentValue, Throwable injectedError) {
        sent = sentValue;
        injected = injectedError;
        restoring = frameTop > 0;
        Slot s = CURRENT.get();
        slot = s;
        FrameStack previous = s.current;
        s.current = this;
        return previous;
    }

    /**
     * Restores the stack that was current before {@link #install(Object, Throwable)}; called on
     * the same thread, after the body's entry method returned or threw.
     */
    public void uninstall(FrameStack previous) {
        slot.current = previous;
        slot = null;
    }

    /**
     * Called by the driver after the body's entry method returned normally.
     *
     * @return true if the body suspended (the value is in {@link #takeYielded()}), false if it ended
     * @throws IllegalStateException if the entry method returned while a restore was still
     *         pending or a suspension had not been saved by a transformed frame
     */
    public boolean endStep() {
        if (restoring) {
            reset();
            throw new IllegalStateException("Weft stackless: the body returned before reaching its saved suspension point: "
                    + "its entry method was not transformed");
        }
        if (!suspending) {
            reset();
            return false;
        }
        suspending = false;
        if (frameTop <= 2) {
            reset();
            throw new IllegalStateException("Weft stackless: the body suspended but no transformed frame saved its state: "
                    + "the body's class was not rewritten by the stackless transformer. See docs/generators.md.");
        }
        return true;
    }

    /** The value handed out by the last suspension; clears it. */
    public Object takeYielded() {
        Object v = yielded;
        yielded = null;
        return v;
    }

    /** Drops every saved frame and flag (after the body ended, normally or not). */
    public void reset() {
        restoring = false;
        suspending = false;
        yielded = null;
        sent = null;
        injected = null;
        prims = NO_PRIMS;
        refs = NO_REFS;
        frames = NO_FRAMES;
        primTop = 0;
        refTop = 0;
        frameTop = 0;
    }

    /** The generator or coroutine this stack belongs to; null for the inert stack returned outside any. */
    public Object owner() {
        return owner;
    }

    /** Number of frames saved (the depth of the suspended call path, primitive included). */
    public int savedFrames() {
        return frameTop / 2;
    }

    @Override
    public String toString() {
        return "FrameStack[" + owner + ", frames=" + savedFrames() + "]";
    }
}
