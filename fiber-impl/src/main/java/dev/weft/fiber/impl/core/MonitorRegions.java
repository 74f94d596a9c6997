package dev.weft.fiber.impl.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * For each method of one class file that can hold a monitor (a {@code synchronized} method, or
 * one with a {@code monitorenter} instruction), how many monitors its frame holds at each
 * bytecode index. Read straight from the class file, so that a stack frame's
 * {@link StackWalker.StackFrame#getByteCodeIndex() bytecode index} can be looked up.
 *
 * <h2>Implementation overview</h2>
 * A small class-file reader (constant pool skipped, only {@code Code} attributes read) and a
 * forward data-flow pass over each method that has a {@code monitorenter}: the count before
 * an instruction flows to its successors (fall-through, branch and switch targets), plus one on
 * a {@code monitorenter} and minus one on a {@code monitorexit}; an exception handler receives
 * the count held before each instruction it covers (that instruction may throw before it
 * completes), up to the first covering handler that catches everything. Where paths meet, the larger count is kept, so the answer errs towards "held":
 * a frame wrongly said to hold a monitor costs a pinned park, one wrongly said to hold none
 * would cost mutual exclusion. A stack walk reports bytecode offsets, which ASM's tree API
 * exposes only for the labels it creates, so reading the code array directly is simpler.
 * Only call instructions get a count: a frame below the top of a stack is stopped at a call, and
 * an offset that is no call in these bytes means the code running was rewritten (an agent),
 * which {@link #holdsAt} answers with "held".
 *
 * <p>Bytecode from {@code javac} and the Kotlin compiler locks in nested, structured regions
 * (HotSpot's JIT relies on it too), so the count at a call instruction is exact for them. A
 * malformed or truncated class file yields {@link #UNREADABLE}; the caller decides.
 */
final class MonitorRegions {

    /** A class none of whose methods can hold a monitor. */
    static final MonitorRegions NONE = new MonitorRegions(Map.of());
    /** A class whose bytes could not be read or parsed. */
    static final MonitorRegions UNREADABLE = new MonitorRegions(Map.of());

    /** Marks a {@code synchronized} method: its frame holds its monitor at every index. */
    private static final byte[] WHOLE_METHOD = new byte[0];
    private static final int MAX_COUNT = 100;
    /** In a method's counts: the index is not a call instruction (see {@link #flow}). */
    private static final byte NOT_A_CALL = -1;

    /** Method name, then descriptor, to the count at each bytecode index (or {@link #WHOLE_METHOD}). */
    private final Map<String, Map<String, byte[]>> methods;

    private MonitorRegions(Map<String, Map<String, byte[]>> methods) {
        this.methods = methods;
    }

    /** Regions for a class known only by reflection: {@code synchronized} methods by name, then descriptors. */
    static MonitorRegions wholeMethods(Map<String, ? extends java.util.Collection<String>> synchronizedMethods) {
        if (synchronizedMethods.isEmpty()) {
            return NONE;
        }
        Map<String, Map<String, byte[]>> m = new HashMap<>();
        synchronizedMethods.forEach((name, descs) -> {
            Map<String, byte[]> byDesc = new HashMap<>();
            descs.forEach(d -> byDesc.put(d, WHOLE_METHOD));
            m.put(name, byDesc);
        });
        return new MonitorRegions(m);
    }

    /**
     * Whether a frame of {@code name}{@code descriptor} stopped at {@code bci} (a call) holds a
     * monitor; also true when {@code bci} is no call instruction of this class file, which means
     * the code running is not these bytes.
     */
    boolean holdsAt(String name, String descriptor, int bci) {
        Map<String, byte[]> byDesc = methods.get(name);
        if (byDesc == null) {
            return false;
        }
        byte[] counts = byDesc.get(descriptor);
        if (counts == null) {
            return false;
        }
        return counts == WHOLE_METHOD || bci < 0 || bci >= counts.length || counts[bci] != 0;
    }

    /** The methods that can hold a monitor, as {@code name + descriptor} (for tests). */
    java.util.Set<String> methodKeys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        methods.forEach((name, byDesc) -> byDesc.keySet().forEach(d -> keys.add(name + d)));
        return keys;
    }

    /** Whether some method of this class can hold a monitor. */
    boolean any() {
        return !methods.isEmpty();
    }

    @Override
    public String toString() {
        return this == UNREADABLE ? "MonitorRegions[unreadable]" : "MonitorRegions" + methods.keySet();
    }

    // ----------------------------------------------------------------------------------------
    // Class-file reading

    private static final int ACC_SYNCHRONIZED = 0x0020;
    private static final int MONITORENTER = 0xc2;
    private static final int MONITOREXIT = 0xc3;

    /** Parses a class file; {@link #UNREADABLE} if it is not one this reader understands. */
    static MonitorRegions of(byte[] classFile) {
        try {
            return parse(new Reader(classFile));
        } catch (RuntimeException malformed) {
            return UNREADABLE;
        }
    }

    private static MonitorRegions parse(Reader r) {
        if (r.u4() != 0xCAFEBABE) {
            return UNREADABLE;
        }
        r.skip(4); // minor, major
        int cpCount = r.u2();
        String[] utf8 = new String[cpCount];
        for (int i = 1; i < cpCount; i++) {
            int tag = r.u1();
            switch (tag) {
                case 1 -> utf8[i] = r.utf8();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> r.skip(4);
                case 5, 6 -> {
                    r.skip(8);
                    i++; // long and double take two slots
                }
                case 7, 8, 16, 19, 20 -> r.skip(2);
                case 15 -> r.skip(3);
                default -> throw new IllegalArgumentException("constant pool tag " + tag);
            }
        }
        r.skip(6); // access, this, super
        r.skip(2 * r.u2()); // interfaces
        int fields = r.u2();
        for (int i = 0; i < fields; i++) {
            r.skip(6);
            skipAttributes(r);
        }
        Map<String, Map<String, byte[]>> found = new HashMap<>();
        int methodCount = r.u2();
        for (int i = 0; i < methodCount; i++) {
            int access = r.u2();
            String name = utf8[r.u2()];
            String desc = utf8[r.u2()];
            int attributes = r.u2();
            byte[] counts = null;
            for (int a = 0; a < attributes; a++) {
                String attr = utf8[r.u2()];
                int len = r.u4();
                int end = r.pos + len;
                if ("Code".equals(attr) && (access & ACC_SYNCHRONIZED) == 0) {
                    counts = analyseCode(r);
                }
                r.pos = end;
            }
            if ((access & ACC_SYNCHRONIZED) != 0) {
                counts = WHOLE_METHOD;
            }
            if (counts != null) {
                found.computeIfAbsent(name, k -> new HashMap<>(2)).put(desc, counts);
            }
        }
        return found.isEmpty() ? NONE : new MonitorRegions(found);
    }

    private static void skipAttributes(Reader r) {
        int n = r.u2();
        for (int i = 0; i < n; i++) {
            r.skip(2);
            r.skip(r.u4());
        }
    }

    /** Reads a {@code Code} attribute's body; the counts per index, or null if it has no {@code monitorenter}. */
    private static byte[] analyseCode(Reader r) {
        r.skip(4); // max_stack, max_locals
        int codeLength = r.u4();
        int code = r.pos;
        r.skip(codeLength);
        int handlers = r.u2();
        int[] table = new int[handlers * 4];
        for (int i = 0; i < handlers; i++) {
            table[4 * i] = r.u2();
            table[4 * i + 1] = r.u2();
            table[4 * i + 2] = r.u2();
            table[4 * i + 3] = r.u2(); // catch type, 0 for any
        }
        byte[] b = r.bytes;
        boolean entersMonitor = false;
        for (int pc = 0; pc < codeLength; pc += length(b, code, pc)) {
            if ((b[code + pc] & 0xff) == MONITORENTER) {
                entersMonitor = true;
                break;
            }
        }
        if (!entersMonitor) {
            return null;
        }
        return flow(b, code, codeLength, table);
    }

    /** The data-flow pass described in the class comment. */
    private static byte[] flow(byte[] b, int code, int codeLength, int[] handlers) {
        int[] count = new int[codeLength];
        java.util.Arrays.fill(count, -1);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        count[0] = 0;
        work.add(0);
        while (!work.isEmpty()) {
            int pc = work.poll();
            int held = count[pc];
            // The JVM tries handlers in table order: one that catches anything (javac's handler that
            // leaves the monitor and rethrows) receives every exception the entries before it did
            // not take, and the entries after it none. Without this cut, a catch around a whole
            // synchronized block would be thought to run with the monitor held.
            for (int h = 0; h < handlers.length; h += 4) {
                if (pc >= handlers[h] && pc < handlers[h + 1]) {
                    merge(count, work, handlers[h + 2], held);
                    if (handlers[h + 3] == 0) {
                        break;
                    }
                }
            }
            int op = b[code + pc] & 0xff;
            int after = op == MONITORENTER ? Math.min(held + 1, MAX_COUNT)
                    : op == MONITOREXIT ? Math.max(held - 1, 0) : held;
            int next = pc + length(b, code, pc);
            switch (op) {
                case 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xbf, 0xa9 -> {
                    // returns, athrow, ret: no successor in this method (ret is conservative enough)
                }
                case 0xa7 -> merge(count, work, pc + s2(b, code + pc + 1), after); // goto
                case 0xc8 -> merge(count, work, pc + s4(b, code + pc + 1), after); // goto_w
                case 0xaa -> { // tableswitch
                    int p = code + pc + 1 + pad(pc);
                    merge(count, work, pc + s4(b, p), after);
                    int low = s4(b, p + 4);
                    int high = s4(b, p + 8);
                    for (int i = 0; i <= high - low; i++) {
                        merge(count, work, pc + s4(b, p + 12 + 4 * i), after);
                    }
                }
                case 0xab -> { // lookupswitch
                    int p = code + pc + 1 + pad(pc);
                    merge(count, work, pc + s4(b, p), after);
                    int pairs = s4(b, p + 4);
                    for (int i = 0; i < pairs; i++) {
                        merge(count, work, pc + s4(b, p + 12 + 8 * i), after);
                    }
                }
                default -> {
                    if ((op >= 0x99 && op <= 0xa6) || op == 0xc6 || op == 0xc7 || op == 0xa8) {
                        merge(count, work, pc + s2(b, code + pc + 1), after); // if*, jsr
                    } else if (op == 0xc9) {
                        merge(count, work, pc + s4(b, code + pc + 1), after); // jsr_w
                    }
                    if (next < codeLength) {
                        merge(count, work, next, after);
                    }
                }
            }
        }
        // A frame below the top of a stack is always stopped at a call. An index that is no call
        // instruction in these bytes means the running code is not this class file (a Java agent
        // or a class loader rewrote it): NOT_A_CALL makes holdsAt answer "held", the safe side.
        byte[] out = new byte[codeLength];
        java.util.Arrays.fill(out, NOT_A_CALL);
        for (int pc = 0; pc < codeLength; pc += length(b, code, pc)) {
            int op = b[code + pc] & 0xff;
            if (op >= 0xb6 && op <= 0xba) { // invokevirtual, invokespecial, invokestatic, invokeinterface, invokedynamic
                out[pc] = (byte) Math.max(count[pc], 0);
            }
        }
        return out;
    }

    private static void merge(int[] count, ArrayDeque<Integer> work, int target, int held) {
        if (count[target] < held) {
            count[target] = held;
            work.add(target);
        }
    }

    private static int pad(int pc) {
        return (4 - ((pc + 1) & 3)) & 3;
    }

    /** The length of the instruction at {@code pc}. */
    private static int length(byte[] b, int code, int pc) {
        int op = b[code + pc] & 0xff;
        return switch (op) {
            case 0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc -> 2;
            case 0x11, 0x13, 0x14, 0x84, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1,
                 0xa7, 0xa8, 0xc6, 0xc7 -> 3;
            case 0xc5 -> 4;
            case 0xb9, 0xba, 0xc8, 0xc9 -> 5;
            case 0xc4 -> (b[code + pc + 1] & 0xff) == 0x84 ? 6 : 4; // wide
            case 0xaa -> {
                int p = code + pc + 1 + pad(pc);
                int n = s4(b, p + 8) - s4(b, p + 4) + 1;
                yield 1 + pad(pc) + 12 + 4 * n;
            }
            case 0xab -> {
                int p = code + pc + 1 + pad(pc);
                yield 1 + pad(pc) + 8 + 8 * s4(b, p + 4);
            }
            default -> {
                if (op >= 0x99 && op <= 0xa6) {
                    yield 3;
                }
                if (op > 0xc9) {
                    throw new IllegalArgumentException("opcode " + op);
                }
                yield 1;
            }
        };
    }

    private static int s2(byte[] b, int p) {
        return (short) (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff));
    }

    private static int s4(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    /** A cursor over a class file's bytes. */
    private static final class Reader {
        final byte[] bytes;
        int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int u1() {
            return bytes[pos++] & 0xff;
        }

        int u2() {
            int v = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        int u4() {
            int v = s4(bytes, pos);
            pos += 4;
            return v;
        }

        void skip(int n) {
            if (n < 0 || pos + n > bytes.length) {
                throw new IllegalArgumentException("truncated class file");
            }
            pos += n;
        }

        /** A constant-pool entry in the class file's modified UTF-8 (what {@code DataInput.readUTF} reads). */
        String utf8() {
            int len = u2();
            skip(len);
            try {
                return new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes, pos - len - 2, len + 2)).readUTF();
            } catch (java.io.IOException malformed) {
                throw new IllegalArgumentException("malformed constant-pool string", malformed);
            }
        }
    }
}
