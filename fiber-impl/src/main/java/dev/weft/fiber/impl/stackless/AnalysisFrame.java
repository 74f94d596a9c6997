package dev.weft.fiber.impl.stackless;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.Interpreter;

/**
 * An analysis frame that also counts the monitors held (so the transformer can refuse a
 * suspension inside {@code synchronized}) and turns every copy of an uninitialized object into
 * an initialized one when its constructor is called (ASM's {@link Frame} leaves the copies as
 * they were). Where paths with different monitor counts meet, the larger count is kept: the
 * refusal must not miss a path on which a monitor is held.
 */
final class AnalysisFrame extends Frame<BasicValue> {

    /** Bounded so a loop that enters a monitor without leaving it cannot keep the analysis going. */
    private static final int MAX_MONITORS = 64;

    /** Monitors held before the instruction this frame belongs to. Deliberately no initializer: see {@link #init}. */
    int monitors;

    AnalysisFrame(int numLocals, int maxStack) {
        super(numLocals, maxStack);
    }

    AnalysisFrame(Frame<? extends BasicValue> frame) {
        super(frame);
        monitors = ((AnalysisFrame) frame).monitors;
    }

    @Override
    public Frame<BasicValue> init(Frame<? extends BasicValue> frame) {
        super.init(frame);
        monitors = ((AnalysisFrame) frame).monitors;
        return this;
    }

    @Override
    public void execute(AbstractInsnNode insn, Interpreter<BasicValue> interpreter) throws AnalyzerException {
        int opcode = insn.getOpcode();
        if (opcode == Opcodes.INVOKESPECIAL && "<init>".equals(((MethodInsnNode) insn).name)) {
            int args = Type.getArgumentTypes(((MethodInsnNode) insn).desc).length;
            BasicValue receiver = getStack(getStackSize() - args - 1);
            super.execute(insn, interpreter);
            if (receiver instanceof TypeInterpreter.UninitializedValue u) {
                BasicValue initialized = interpreter.newValue(u.objectType);
                for (int i = 0; i < getLocals(); i++) {
                    if (receiver.equals(getLocal(i))) {
                        setLocal(i, initialized);
                    }
                }
                for (int i = 0; i < getStackSize(); i++) {
                    if (receiver.equals(getStack(i))) {
                        setStack(i, initialized);
                    }
                }
            }
            return;
        }
        super.execute(insn, interpreter);
        if (opcode == Opcodes.MONITORENTER) {
            monitors = Math.min(monitors + 1, MAX_MONITORS);
        } else if (opcode == Opcodes.MONITOREXIT) {
            monitors = Math.max(monitors - 1, 0);
        }
    }

    @Override
    public boolean merge(Frame<? extends BasicValue> frame, Interpreter<BasicValue> interpreter) throws AnalyzerException {
        boolean changed = super.merge(frame, interpreter);
        int other = ((AnalysisFrame) frame).monitors;
        if (other > monitors) {
            monitors = other;
            changed = true;
        }
        return changed;
    }
}
