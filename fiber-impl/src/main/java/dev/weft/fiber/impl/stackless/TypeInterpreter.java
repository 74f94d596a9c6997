package dev.weft.fiber.impl.stackless;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;

/**
 * A data-flow interpreter that keeps the exact class of every reference (where
 * {@link BasicInterpreter} keeps only "a reference"), because restoring a saved reference
 * needs a {@code checkcast} to the type the verifier expects at the call site. Also marks
 * objects created by {@code new} as uninitialized until their constructor runs, so the
 * transformer can refuse a suspension with one on the operand stack.
 *
 * <p>Merging two different class types gives their nearest common super class (interfaces
 * count as {@code Object}, as in the JVM verifier, which accepts any reference where an
 * interface type is expected); the {@code null} type merges into the other side.
 */
final class TypeInterpreter extends BasicInterpreter {

    /** The type ASM's {@code BasicInterpreter} gives {@code aconst_null}. */
    static final Type NULL_TYPE = Type.getObjectType("null");

    private final ClassHierarchy hierarchy;
    private final ClassHierarchy.ClassInfo self;

    TypeInterpreter(ClassHierarchy hierarchy, ClassHierarchy.ClassInfo self) {
        super(Opcodes.ASM9);
        this.hierarchy = hierarchy;
        this.self = self;
    }

    /** An object between {@code new} and its constructor call; its type names the {@code new}. */
    static final class UninitializedValue extends BasicValue {
        final Type objectType;

        UninitializedValue(Type objectType, AbstractInsnNode newInsn) {
            super(Type.getObjectType("uninitialized#" + System.identityHashCode(newInsn) + "#" + objectType.getInternalName()));
            this.objectType = objectType;
        }
    }

    @Override
    public BasicValue newValue(Type type) {
        if (type != null && (type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY)) {
            return new BasicValue(type);
        }
        return super.newValue(type);
    }

    @Override
    public BasicValue newOperation(AbstractInsnNode insn) throws AnalyzerException {
        if (insn.getOpcode() == Opcodes.NEW) {
            return new UninitializedValue(Type.getObjectType(((TypeInsnNode) insn).desc), insn);
        }
        return super.newOperation(insn);
    }

    @Override
    public BasicValue binaryOperation(AbstractInsnNode insn, BasicValue array, BasicValue index) throws AnalyzerException {
        if (insn.getOpcode() == Opcodes.AALOAD) {
            Type t = array.getType();
            if (t != null && t.getSort() == Type.ARRAY) {
                return newValue(Type.getType(t.getDescriptor().substring(1)));
            }
            return newValue(NULL_TYPE);
        }
        return super.binaryOperation(insn, array, index);
    }

    @Override
    public BasicValue merge(BasicValue v, BasicValue w) {
        if (v.equals(w)) {
            return v;
        }
        if (v instanceof UninitializedValue || w instanceof UninitializedValue
                || !v.isReference() || !w.isReference()) {
            return BasicValue.UNINITIALIZED_VALUE;
        }
        if (NULL_TYPE.equals(v.getType())) {
            return w;
        }
        if (NULL_TYPE.equals(w.getType())) {
            return v;
        }
        return new BasicValue(commonSuperType(v.getType(), w.getType()));
    }

    private Type commonSuperType(Type a, Type b) {
        if (a.getSort() == Type.ARRAY && b.getSort() == Type.ARRAY) {
            if (a.getDimensions() == b.getDimensions() && isReference(a.getElementType()) && isReference(b.getElementType())) {
                Type element = commonSuperType(a.getElementType(), b.getElementType());
                return Type.getType("[".repeat(a.getDimensions()) + element.getDescriptor());
            }
            return Type.getType("[Ljava/lang/Object;");
        }
        if (a.getSort() == Type.ARRAY || b.getSort() == Type.ARRAY) {
            return Type.getObjectType("java/lang/Object");
        }
        return Type.getObjectType(hierarchy.commonSuperClass(a.getInternalName(), b.getInternalName(), self));
    }

    private static boolean isReference(Type t) {
        return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }
}
