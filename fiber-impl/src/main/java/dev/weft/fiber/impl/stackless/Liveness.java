package dev.weft.fiber.impl.stackless;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which local variables are live (may be read before being written) after each instruction of a
 * method, by the usual backward data-flow fixpoint. The transformer saves only live locals at a
 * suspension: a dead one is never read again, so restoring it would cost time and keep garbage
 * reachable from a suspended coroutine.
 *
 * <p>Exception edges are conservative: a local live at a handler is live after every
 * instruction the handler covers, whether or not that instruction writes it, since the
 * exception may be thrown before the write.
 */
final class Liveness {
    private Liveness() {
    }

    /** Live locals after each instruction, by instruction index. */
    static BitSet[] liveOut(MethodNode mn) {
        InsnList insns = mn.instructions;
        int n = insns.size();
        List<List<Integer>> successors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            successors.add(successorsOf(insns, insns.get(i), i));
        }
        for (TryCatchBlockNode tcb : mn.tryCatchBlocks) {
            int start = insns.indexOf(tcb.start);
            int end = insns.indexOf(tcb.end);
            int handler = insns.indexOf(tcb.handler);
            for (int i = start; i < end; i++) {
                successors.get(i).add(handler);
            }
        }
        BitSet[] in = new BitSet[n];
        BitSet[] out = new BitSet[n];
        for (int i = 0; i < n; i++) {
            in[i] = new BitSet();
            out[i] = new BitSet();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                BitSet o = new BitSet();
                for (int s : successors.get(i)) {
                    o.or(in[s]);
                }
                BitSet newIn = (BitSet) o.clone();
                AbstractInsnNode insn = insns.get(i);
                if (insn instanceof VarInsnNode v) {
                    int op = v.getOpcode();
                    if (op >= Opcodes.ISTORE && op <= Opcodes.ASTORE) {
                        newIn.clear(v.var);
                    } else if (op >= Opcodes.ILOAD && op <= Opcodes.ALOAD || op == Opcodes.RET) {
                        newIn.set(v.var);
                    }
                } else if (insn instanceof IincInsnNode inc) {
                    newIn.set(inc.var);
                }
                if (!o.equals(out[i]) || !newIn.equals(in[i])) {
                    out[i] = o;
                    in[i] = newIn;
                    changed = true;
                }
            }
        }
        return out;
    }

    private static List<Integer> successorsOf(InsnList insns, AbstractInsnNode insn, int index) {
        List<Integer> s = new ArrayList<>(2);
        int op = insn.getOpcode();
        if (insn instanceof JumpInsnNode j) {
            s.add(insns.indexOf(j.label));
            if (op != Opcodes.GOTO) {
                s.add(index + 1);
            }
            return s;
        }
        if (insn instanceof TableSwitchInsnNode t) {
            s.add(insns.indexOf(t.dflt));
            for (LabelNode l : t.labels) {
                s.add(insns.indexOf(l));
            }
            return s;
        }
        if (insn instanceof LookupSwitchInsnNode l) {
            s.add(insns.indexOf(l.dflt));
            for (LabelNode label : l.labels) {
                s.add(insns.indexOf(label));
            }
            return s;
        }
        if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW || op == Opcodes.RET) {
            return s;
        }
        if (index + 1 < insns.size()) {
            s.add(index + 1);
        }
        return s;
    }
}
