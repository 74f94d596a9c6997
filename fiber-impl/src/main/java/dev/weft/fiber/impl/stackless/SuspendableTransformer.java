package dev.weft.fiber.impl.stackless;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The stackless transformer: a pure {@code byte[] -> byte[]} function that rewrites every
 * method able to suspend into a resumable state machine over a {@link FrameStack}.
 *
 * <h2>Implementation overview</h2>
 * <b>Which methods.</b> A method is <em>suspendable</em> if it carries
 * {@link dev.weft.fiber.Suspendable @Suspendable}, overrides a method that does, or is the
 * synthetic method of a lambda whose functional interface method is suspendable (so
 * {@code Generators.stackless(y -> ...)} needs no annotation). A <em>suspension call</em> is a
 * call to a suspendable method. Each suspendable method with at least one suspension call is
 * rewritten; every other method is left byte-for-byte alone.
 *
 * <p><b>The rewrite</b> (frame strategy: see {@link FrameStack}). Per method:
 * <pre>
 *   entry:   s = FrameStack.current(); if (s.isRestoring()) goto dispatch
 *   ...original code...
 *   call i:  [spill the arguments to temporaries, keep the receiver in a temporary, reload]
 *   L_i:     invoke callee
 *            if (s.isSuspending()) goto save_i
 *   ...
 *   dispatch: switch (s.popFrame(id)) { case i: goto restore_i }
 *   save_i:   drop the dummy result; push operand stack below the call, every local still live
 *             after the call ({@link Liveness}) and the receiver into s; s.pushFrame(id, i);
 *             return a dummy value
 *   restore_i: pop them back (checkcast each reference to the type the verifier expects),
 *             rebuild the operand stack, push the receiver and dummy arguments, goto L_i
 * </pre>
 * The callee is called again with dummy arguments because it restores its own parameters from
 * its own record; only the receiver must be real, so virtual dispatch reaches the same method.
 * Exception handlers need no special care: the restored frames sit inside the same try ranges
 * as before, so an exception injected at the innermost frame (a generator's
 * {@code throwInto}) unwinds through the right handlers.
 *
 * <p><b>Cost.</b> A transformed method pays, on a path that does not suspend, a thread-local read
 * on entry, a field test per suspension call, and some local-variable moves the JIT removes. A
 * suspension at depth d saves and a resume restores d records; nothing is allocated once the
 * stack's arrays have grown. Uncalled code costs only class-file size.
 *
 * <p><b>Types.</b> The data-flow analysis ({@link TypeInterpreter}, {@link AnalysisFrame}) reads
 * super types from class files through a {@link ClassHierarchy}, and the class is written with
 * {@code COMPUTE_FRAMES} using the same hierarchy, so no class is ever loaded.
 *
 * <p><b>Refusals.</b> Constructs the rewrite cannot make correct are reported, all at once, as a
 * {@link TransformRefusedException} naming class, method, line and reason: a suspension call
 * with a monitor held or in a {@code synchronized} method, in a constructor or static
 * initializer, with an uninitialized object on the operand stack, from a method that is not
 * suspendable (including a lambda of a non-suspendable interface), a method reference to a
 * suspendable method through a non-suspendable interface, and reflective calls in a
 * suspendable method (the transformer cannot tell whether their target suspends).
 *
 * <p>Instances are immutable and thread-safe (the hierarchy caches concurrently).
 */
public final class SuspendableTransformer {

    static final String FRAME_STACK = "dev/weft/fiber/impl/stackless/FrameStack";
    private static final String FRAME_STACK_DESC = "L" + FRAME_STACK + ";";
    static final String TRANSFORMED_DESC = "Ldev/weft/fiber/impl/stackless/Transformed;";
    private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";

    private final ClassHierarchy hierarchy;

    /**
     * Creates a transformer.
     *
     * @param hierarchy where the transformer reads the classes a rewritten class refers to
     */
    public SuspendableTransformer(ClassHierarchy hierarchy) {
        this.hierarchy = Objects.requireNonNull(hierarchy, "hierarchy");
    }

    /**
     * A transformer that reads referenced classes through {@code loader}'s resources.
     *
     * @param loader where referenced class files are read from
     * @return a new transformer
     */
    public static SuspendableTransformer forClassLoader(ClassLoader loader) {
        return new SuspendableTransformer(ClassHierarchy.of(loader));
    }

    /**
     * Rewrites one class file.
     *
     * @param classFile the class file's bytes; not modified
     * @return the rewritten class file, or {@code classFile} itself (same array) when the class
     *         holds no suspendable code or was transformed before
     * @throws TransformRefusedException if the class has suspension points the transformer
     *         cannot make resumable
     */
    public byte[] transform(byte[] classFile) {
        Result r = process(classFile, false);
        if (!r.refusals.isEmpty()) {
            throw new TransformRefusedException(r.refusals);
        }
        return r.bytes;
    }

    /**
     * Rewrites one class file, replacing the body of each refused method by one that throws an
     * {@link IllegalStateException} with the refusal message, for callers that cannot fail
     * (a {@code -javaagent}: the JVM ignores exceptions thrown by a class-file transformer).
     *
     * @param classFile the class file's bytes; not modified
     * @return the class file and the refusals (empty if none)
     */
    public Result transformOrStub(byte[] classFile) {
        return process(classFile, true);
    }

    /**
     * The outcome of {@link #transformOrStub(byte[])}.
     *
     * @param bytes     the class file to define (the input array itself if unchanged)
     * @param refusals  what was refused; each refused method now throws
     */
    public record Result(byte[] bytes, List<TransformRefusedException.Refusal> refusals) {
    }

    // ----------------------------------------------------------------------------------------

    private Result process(byte[] classFile, boolean stubRefused) {
        ClassReader reader = new ClassReader(classFile);
        ClassNode cn = new ClassNode();
        reader.accept(cn, 0);
        if (hasAnnotation(cn.visibleAnnotations, TRANSFORMED_DESC)) {
            return new Result(classFile, List.of());
        }
        ClassContext ctx = new ClassContext(cn);
        if (ctx.suspendable.isEmpty() && !ctx.createsSuspendableLambda && ctx.badReferences.isEmpty()
                && !callsAnySuspendable(ctx)) {
            return new Result(classFile, List.of());
        }
        List<TransformRefusedException.Refusal> refusals = new ArrayList<>();
        boolean codeChanged = false;
        for (MethodNode mn : cn.methods) {
            if (mn.instructions.size() == 0) {
                continue;
            }
            List<TransformRefusedException.Refusal> methodRefusals = new ArrayList<>();
            boolean changed = transformMethod(ctx, mn, methodRefusals);
            if (!methodRefusals.isEmpty()) {
                refusals.addAll(methodRefusals);
                if (stubRefused) {
                    stub(mn, methodRefusals);
                    codeChanged = true;
                }
            } else {
                codeChanged |= changed;
            }
        }
        if (!refusals.isEmpty() && !stubRefused) {
            return new Result(classFile, refusals);
        }
        if (cn.visibleAnnotations == null) {
            cn.visibleAnnotations = new ArrayList<>();
        }
        cn.visibleAnnotations.add(new AnnotationNode(TRANSFORMED_DESC));
        ClassWriter writer = codeChanged ? new HierarchyClassWriter(ClassWriter.COMPUTE_FRAMES, ctx.info) : new ClassWriter(0);
        try {
            cn.accept(writer);
            return new Result(writer.toByteArray(), refusals);
        } catch (ClassHierarchy.TypeNotFoundException | MethodTooLargeException e) {
            String reason = e instanceof MethodTooLargeException m
                    ? "method " + m.getMethodName() + m.getDescriptor() + " exceeds the JVM's 64 KiB code limit once "
                      + "transformed; split it into smaller @Suspendable methods"
                    : e.getMessage();
            List<TransformRefusedException.Refusal> all = new ArrayList<>(refusals);
            all.add(new TransformRefusedException.Refusal(dotted(cn.name), "<class>", -1, reason));
            if (stubRefused) {
                return new Result(classFile, all);
            }
            throw new TransformRefusedException(all);
        }
    }

    /** Whether any method calls a suspendable method (so an unmarked caller can be refused). */
    private boolean callsAnySuspendable(ClassContext ctx) {
        for (MethodNode mn : ctx.cn.methods) {
            for (AbstractInsnNode insn : mn.instructions) {
                if (insn instanceof MethodInsnNode m && ctx.isSuspensionCall(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Facts about the class being transformed. */
    private final class ClassContext {
        final ClassNode cn;
        final ClassHierarchy.ClassInfo info;
        /** name+desc of this class's suspendable methods (annotated, overriding, or suspendable lambdas). */
        final Set<String> suspendable = new HashSet<>();
        /** name+desc of lambda bodies of non-suspendable interfaces, mapped to "Interface.method". */
        final Map<String, String> plainLambdas = new HashMap<>();
        /** Method references to suspendable methods through non-suspendable interfaces, by the method containing them. */
        final Map<MethodNode, List<String>> badReferences = new HashMap<>();
        boolean createsSuspendableLambda;

        ClassContext(ClassNode cn) {
            this.cn = cn;
            Set<String> annotated = new HashSet<>();
            Map<String, String> bridges = new HashMap<>();
            for (MethodNode mn : cn.methods) {
                if (hasAnnotation(mn.visibleAnnotations, ClassHierarchy.SUSPENDABLE_DESC)
                        || hasAnnotation(mn.invisibleAnnotations, ClassHierarchy.SUSPENDABLE_DESC)) {
                    annotated.add(mn.name + mn.desc);
                }
                if ((mn.access & Opcodes.ACC_BRIDGE) != 0) {
                    for (AbstractInsnNode insn : mn.instructions) {
                        if (insn instanceof MethodInsnNode m && m.owner.equals(cn.name) && m.name.equals(mn.name)) {
                            bridges.put(mn.name + mn.desc, m.name + m.desc);
                        }
                    }
                }
            }
            this.info = new ClassHierarchy.ClassInfo(cn.name, cn.superName, cn.interfaces,
                    (cn.access & Opcodes.ACC_INTERFACE) != 0, (cn.access & Opcodes.ACC_PUBLIC) != 0,
                    Set.copyOf(annotated), Map.copyOf(bridges));
            for (MethodNode mn : cn.methods) {
                if ((mn.access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0 && !mn.name.startsWith("<")
                        && hierarchy.isSuspendable(cn.name, mn.name + mn.desc, info)) {
                    suspendable.add(mn.name + mn.desc);
                }
            }
            suspendable.addAll(annotated);
            for (MethodNode mn : cn.methods) {
                for (AbstractInsnNode insn : mn.instructions) {
                    if (insn instanceof InvokeDynamicInsnNode indy && isLambdaFactory(indy.bsm)) {
                        classifyLambda(mn, indy);
                    }
                }
            }
        }

        private void classifyLambda(MethodNode container, InvokeDynamicInsnNode indy) {
            Type samType = (Type) indy.bsmArgs[0];
            Handle impl = (Handle) indy.bsmArgs[1];
            String itf = Type.getReturnType(indy.desc).getInternalName();
            boolean samSuspendable = hierarchy.isSuspendable(itf, indy.name + samType.getDescriptor(), info);
            boolean local = impl.getOwner().equals(cn.name) && impl.getName().startsWith("lambda$");
            if (samSuspendable) {
                createsSuspendableLambda = true;
                if (local) {
                    suspendable.add(impl.getName() + impl.getDesc());
                }
            } else if (local) {
                plainLambdas.put(impl.getName() + impl.getDesc(), dotted(itf) + "." + indy.name);
            } else if (impl.getTag() != Opcodes.H_NEWINVOKESPECIAL
                    && isSuspendableMethod(impl.getOwner(), impl.getName() + impl.getDesc())) {
                badReferences.computeIfAbsent(container, k -> new ArrayList<>()).add("method reference to suspendable "
                        + dotted(impl.getOwner()) + "::" + impl.getName() + " used as " + dotted(itf) + "." + indy.name
                        + ", which is not @Suspendable: a call through it could not be resumed; use a @Suspendable "
                        + "functional interface");
            }
        }

        boolean isSuspendableMethod(String owner, String nameAndDesc) {
            if (owner.equals(cn.name) && suspendable.contains(nameAndDesc)) {
                return true;
            }
            return hierarchy.isSuspendable(owner, nameAndDesc, info);
        }

        boolean isSuspensionCall(MethodInsnNode m) {
            return !m.name.equals("<init>") && isSuspendableMethod(m.owner, m.name + m.desc);
        }
    }

    private static boolean isLambdaFactory(Handle bsm) {
        return bsm.getOwner().equals(LAMBDA_METAFACTORY)
                && (bsm.getName().equals("metafactory") || bsm.getName().equals("altMetafactory"));
    }

    private static boolean isReflectiveCall(MethodInsnNode m) {
        return (m.owner.equals("java/lang/reflect/Method") && m.name.equals("invoke"))
                || (m.owner.equals("java/lang/invoke/MethodHandle") && m.name.startsWith("invoke"));
    }

    // ----------------------------------------------------------------------------------------
    // One method

    /** A suspension call, the analysis frame before it, and the locals live after it. */
    private record CallSite(MethodInsnNode call, AnalysisFrame frame, BitSet liveAfter) {
    }

    /**
     * Checks and, if possible, rewrites one method.
     *
     * @return whether the method's code changed
     */
    private boolean transformMethod(ClassContext ctx, MethodNode mn, List<TransformRefusedException.Refusal> refusals) {
        String key = mn.name + mn.desc;
        boolean suspendable = ctx.suspendable.contains(key);
        for (String bad : ctx.badReferences.getOrDefault(mn, List.of())) {
            refusals.add(refusal(ctx, mn, null, bad));
        }
        List<MethodInsnNode> calls = new ArrayList<>();
        for (AbstractInsnNode insn : mn.instructions) {
            if (insn instanceof MethodInsnNode m) {
                if (ctx.isSuspensionCall(m)) {
                    calls.add(m);
                } else if (suspendable && isReflectiveCall(m)) {
                    refusals.add(refusal(ctx, mn, m, "reflective call " + dotted(m.owner) + "." + m.name
                            + " in a suspendable method: the transformer cannot tell whether its target suspends; "
                            + "call the target directly, or move the reflective call into a method that is not @Suspendable"));
                }
            } else if (insn.getOpcode() == Opcodes.JSR) {
                refusals.add(refusal(ctx, mn, insn, "jsr/ret subroutines (class files older than Java 6) are not supported"));
                return false;
            }
        }
        if (calls.isEmpty()) {
            return false;
        }
        String callee = describe(calls.get(0));
        if (mn.name.equals("<init>")) {
            refusals.add(refusal(ctx, mn, calls.get(0), "suspension call to " + callee + " in a constructor: "
                    + "an object under construction cannot be saved; call it before or after constructing"));
            return false;
        }
        if (mn.name.equals("<clinit>")) {
            refusals.add(refusal(ctx, mn, calls.get(0), "suspension call to " + callee + " in a static initializer"));
            return false;
        }
        if (!suspendable) {
            String lambdaOf = ctx.plainLambdas.get(key);
            for (MethodInsnNode c : calls) {
                refusals.add(refusal(ctx, mn, c, lambdaOf != null
                        ? "a lambda implementing " + lambdaOf + " (not @Suspendable) calls suspendable " + describe(c)
                          + ": the code calling the lambda was not transformed, so it could not be resumed; "
                          + "use a @Suspendable functional interface, or a plain loop instead of the lambda"
                        : "calls suspendable " + describe(c) + " but is not marked @Suspendable (mark it, and its callers)"));
            }
            return false;
        }
        if ((mn.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            refusals.add(refusal(ctx, mn, calls.get(0), "suspension call to " + callee + " in a synchronized method: "
                    + "a suspended coroutine would keep the monitor, and may resume on another thread"));
            return false;
        }
        Frame<BasicValue>[] frames;
        try {
            Analyzer<BasicValue> analyzer = new Analyzer<>(new TypeInterpreter(hierarchy, ctx.info)) {
                @Override
                protected Frame<BasicValue> newFrame(int numLocals, int numStack) {
                    return new AnalysisFrame(numLocals, numStack);
                }

                @Override
                protected Frame<BasicValue> newFrame(Frame<? extends BasicValue> frame) {
                    return new AnalysisFrame(frame);
                }
            };
            frames = analyzer.analyze(ctx.cn.name, mn);
        } catch (AnalyzerException | ClassHierarchy.TypeNotFoundException e) {
            refusals.add(refusal(ctx, mn, null, "cannot analyze the method: " + e.getMessage()));
            return false;
        }
        BitSet[] liveOut = Liveness.liveOut(mn);
        List<CallSite> sites = new ArrayList<>();
        for (MethodInsnNode c : calls) {
            AnalysisFrame f = (AnalysisFrame) frames[mn.instructions.indexOf(c)];
            if (f == null) {
                continue; // unreachable code: javac does not emit it, and it can never suspend
            }
            if (f.monitors > 0) {
                refusals.add(refusal(ctx, mn, c, "suspension call to " + describe(c) + " inside synchronized "
                        + "(a monitor is held): a suspended coroutine would keep the monitor, and may resume on another thread"));
                continue;
            }
            String uninit = uninitialized(f);
            if (uninit != null) {
                refusals.add(refusal(ctx, mn, c, "suspension call to " + describe(c) + " with an uninitialized "
                        + uninit + " on the operand stack (a suspension inside the arguments of new "
                        + uninit + "(...)); assign the call's result to a local variable first"));
                continue;
            }
            sites.add(new CallSite(c, f, liveOut[mn.instructions.indexOf(c)]));
        }
        if (!refusals.isEmpty() || sites.isEmpty()) {
            return false;
        }
        rewrite(ctx, mn, sites);
        return true;
    }

    /** The class of an uninitialized object in the frame, or null if there is none. */
    private static String uninitialized(AnalysisFrame f) {
        for (int i = 0; i < f.getStackSize(); i++) {
            if (f.getStack(i) instanceof TypeInterpreter.UninitializedValue u) {
                return dotted(u.objectType.getInternalName());
            }
        }
        for (int i = 0; i < f.getLocals(); i++) {
            if (f.getLocal(i) instanceof TypeInterpreter.UninitializedValue u) {
                return dotted(u.objectType.getInternalName());
            }
        }
        return null;
    }

    private void rewrite(ClassContext ctx, MethodNode mn, List<CallSite> sites) {
        int methodId = methodId(ctx.cn.name, mn.name, mn.desc);
        Type returnType = Type.getReturnType(mn.desc);
        int originalLocals = mn.maxLocals;
        int stackVar = originalLocals;
        int receiverVar = originalLocals + 1;
        int spillBase = originalLocals + 2;
        boolean keepThis = (mn.access & Opcodes.ACC_STATIC) == 0 && !writesLocalZero(mn);

        LabelNode dispatch = new LabelNode();
        InsnList prologue = new InsnList();
        prologue.add(new MethodInsnNode(Opcodes.INVOKESTATIC, FRAME_STACK, "current", "()" + FRAME_STACK_DESC, false));
        prologue.add(new VarInsnNode(Opcodes.ASTORE, stackVar));
        prologue.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        prologue.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME_STACK, "isRestoring", "()Z", false));
        prologue.add(new JumpInsnNode(Opcodes.IFNE, dispatch));

        InsnList tail = new InsnList();
        LabelNode[] restoreLabels = new LabelNode[sites.size()];
        InsnList restores = new InsnList();
        InsnList saves = new InsnList();
        int maxSpill = 0;

        for (int i = 0; i < sites.size(); i++) {
            CallSite site = sites.get(i);
            MethodInsnNode call = site.call;
            AnalysisFrame f = site.frame;
            Type[] args = Type.getArgumentTypes(call.desc);
            boolean hasReceiver = call.getOpcode() != Opcodes.INVOKESTATIC;
            int below = f.getStackSize() - args.length - (hasReceiver ? 1 : 0);

            // Before the call: keep the receiver in a temporary (the callee's record does not hold it).
            LabelNode callLabel = new LabelNode();
            InsnList before = new InsnList();
            if (hasReceiver) {
                int[] argVars = new int[args.length];
                int next = spillBase;
                for (int a = 0; a < args.length; a++) {
                    argVars[a] = next;
                    next += args[a].getSize();
                }
                maxSpill = Math.max(maxSpill, next - spillBase);
                for (int a = args.length - 1; a >= 0; a--) {
                    before.add(new VarInsnNode(args[a].getOpcode(Opcodes.ISTORE), argVars[a]));
                }
                before.add(new InsnNode(Opcodes.DUP));
                before.add(new VarInsnNode(Opcodes.ASTORE, receiverVar));
                for (int a = 0; a < args.length; a++) {
                    before.add(new VarInsnNode(args[a].getOpcode(Opcodes.ILOAD), argVars[a]));
                }
            }
            before.add(callLabel);
            mn.instructions.insertBefore(call, before);

            // After the call: unwind if the callee suspended.
            LabelNode saveLabel = new LabelNode();
            InsnList after = new InsnList();
            after.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
            after.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME_STACK, "isSuspending", "()Z", false));
            after.add(new JumpInsnNode(Opcodes.IFNE, saveLabel));
            mn.instructions.insert(call, after);

            // Save block.
            saves.add(saveLabel);
            Type callReturn = Type.getReturnType(call.desc);
            if (callReturn.getSize() == 1) {
                saves.add(new InsnNode(Opcodes.POP));
            } else if (callReturn.getSize() == 2) {
                saves.add(new InsnNode(Opcodes.POP2));
            }
            for (int j = below - 1; j >= 0; j--) {
                saves.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
                saves.add(pushCall(f.getStack(j)));
            }
            for (int l = 0; l < f.getLocals(); l++) {
                BasicValue v = f.getLocal(l);
                if (!saved(v) || !site.liveAfter.get(l) || (l == 0 && keepThis)) {
                    continue;
                }
                saves.add(new VarInsnNode(v.getType().getOpcode(Opcodes.ILOAD), l));
                saves.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
                saves.add(pushCall(v));
            }
            if (hasReceiver) {
                saves.add(new VarInsnNode(Opcodes.ALOAD, receiverVar));
                saves.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
                saves.add(pushCall(BasicValue.REFERENCE_VALUE));
            }
            saves.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
            saves.add(new LdcInsnNode(methodId));
            saves.add(new LdcInsnNode(i));
            saves.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME_STACK, "pushFrame", "(II)V", false));
            saves.add(dummyReturn(returnType));

            // Restore block: the exact reverse of the save block.
            LabelNode restoreLabel = new LabelNode();
            restoreLabels[i] = restoreLabel;
            restores.add(restoreLabel);
            if (hasReceiver) {
                BasicValue receiver = f.getStack(below);
                restores.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
                restores.add(popCall(BasicValue.REFERENCE_VALUE));
                restores.add(new TypeInsnNode(Opcodes.CHECKCAST, castType(receiver, call, ctx.cn.name)));
                restores.add(new VarInsnNode(Opcodes.ASTORE, receiverVar));
            }
            for (int l = f.getLocals() - 1; l >= 0; l--) {
                BasicValue v = f.getLocal(l);
                if (!saved(v) || !site.liveAfter.get(l) || (l == 0 && keepThis)) {
                    continue;
                }
                restores.add(restoreValue(v, stackVar, ctx.cn.name));
                restores.add(new VarInsnNode(v.getType().getOpcode(Opcodes.ISTORE), l));
            }
            for (int j = 0; j < below; j++) {
                restores.add(restoreValue(f.getStack(j), stackVar, ctx.cn.name));
            }
            if (hasReceiver) {
                restores.add(new VarInsnNode(Opcodes.ALOAD, receiverVar));
            }
            for (Type a : args) {
                restores.add(new InsnNode(zeroOpcode(a)));
            }
            restores.add(new JumpInsnNode(Opcodes.GOTO, callLabel));
        }

        LabelNode badSite = new LabelNode();
        tail.add(dispatch);
        tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        tail.add(new LdcInsnNode(methodId));
        tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME_STACK, "popFrame", "(I)I", false));
        tail.add(new TableSwitchInsnNode(0, sites.size() - 1, badSite, restoreLabels));
        tail.add(badSite);
        tail.add(new MethodInsnNode(Opcodes.INVOKESTATIC, FRAME_STACK, "badCallSite", "()Ljava/lang/Error;", false));
        tail.add(new InsnNode(Opcodes.ATHROW));
        tail.add(restores);
        tail.add(saves);

        mn.instructions.insert(prologue);
        mn.instructions.add(tail);
        mn.maxLocals = spillBase + maxSpill;
    }

    /** Whether a value in a frame is one the save block must keep (not an empty or unusable slot). */
    private static boolean saved(BasicValue v) {
        return v != null && v.getType() != null && v != BasicValue.RETURNADDRESS_VALUE;
    }

    private static boolean writesLocalZero(MethodNode mn) {
        for (AbstractInsnNode insn : mn.instructions) {
            if (insn instanceof VarInsnNode v && v.var == 0 && v.getOpcode() >= Opcodes.ISTORE && v.getOpcode() <= Opcodes.ASTORE) {
                return true;
            }
            if (insn.getOpcode() == Opcodes.IINC && ((org.objectweb.asm.tree.IincInsnNode) insn).var == 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code FrameStack.pushX(value, stack)}; expects the value and then the stack on the operand stack. */
    private static MethodInsnNode pushCall(BasicValue v) {
        String[] nameAndDesc = switch (v.getType().getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> new String[] {"pushInt", "I"};
            case Type.LONG -> new String[] {"pushLong", "J"};
            case Type.FLOAT -> new String[] {"pushFloat", "F"};
            case Type.DOUBLE -> new String[] {"pushDouble", "D"};
            default -> new String[] {"pushRef", "Ljava/lang/Object;"};
        };
        return new MethodInsnNode(Opcodes.INVOKESTATIC, FRAME_STACK, nameAndDesc[0],
                "(" + nameAndDesc[1] + FRAME_STACK_DESC + ")V", false);
    }

    /** {@code stack.popX()}; expects the stack on the operand stack. */
    private static MethodInsnNode popCall(BasicValue v) {
        String[] nameAndDesc = switch (v.getType().getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> new String[] {"popInt", "I"};
            case Type.LONG -> new String[] {"popLong", "J"};
            case Type.FLOAT -> new String[] {"popFloat", "F"};
            case Type.DOUBLE -> new String[] {"popDouble", "D"};
            default -> new String[] {"popRef", "Ljava/lang/Object;"};
        };
        return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME_STACK, nameAndDesc[0], "()" + nameAndDesc[1], false);
    }

    /** Pops one saved value and leaves it on the operand stack with the type the verifier expects. */
    private InsnList restoreValue(BasicValue v, int stackVar, String owner) {
        InsnList list = new InsnList();
        list.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        list.add(popCall(v));
        if (v.isReference()) {
            if (TypeInterpreter.NULL_TYPE.equals(v.getType())) {
                list.add(new InsnNode(Opcodes.POP));
                list.add(new InsnNode(Opcodes.ACONST_NULL));
            } else {
                String cast = accessibleType(v.getType(), owner);
                if (!cast.equals("java/lang/Object")) {
                    list.add(new TypeInsnNode(Opcodes.CHECKCAST, cast));
                }
            }
        }
        return list;
    }

    private String castType(BasicValue receiver, MethodInsnNode call, String owner) {
        Type t = receiver.getType();
        if (t == null || TypeInterpreter.NULL_TYPE.equals(t) || !receiver.isReference()) {
            return call.owner;
        }
        return accessibleType(t, owner);
    }

    /**
     * The internal name to {@code checkcast} a restored value of type {@code t} to, from code in
     * {@code owner}: the type itself, or its nearest super class that {@code owner} may name
     * (see {@link ClassHierarchy#accessibleClass}). An array whose element class is not
     * accessible is cast to {@code Object}.
     */
    private String accessibleType(Type t, String owner) {
        if (t.getSort() == Type.ARRAY) {
            Type element = t.getElementType();
            if (element.getSort() == Type.OBJECT
                    && !hierarchy.accessibleClass(element.getInternalName(), owner).equals(element.getInternalName())) {
                return "java/lang/Object";
            }
            return t.getInternalName();
        }
        return hierarchy.accessibleClass(t.getInternalName(), owner);
    }

    private static int zeroOpcode(Type t) {
        return switch (t.getSort()) {
            case Type.LONG -> Opcodes.LCONST_0;
            case Type.FLOAT -> Opcodes.FCONST_0;
            case Type.DOUBLE -> Opcodes.DCONST_0;
            case Type.OBJECT, Type.ARRAY -> Opcodes.ACONST_NULL;
            default -> Opcodes.ICONST_0;
        };
    }

    private static InsnList dummyReturn(Type returnType) {
        InsnList list = new InsnList();
        if (returnType.getSort() != Type.VOID) {
            list.add(new InsnNode(zeroOpcode(returnType)));
        }
        list.add(new InsnNode(returnType.getOpcode(Opcodes.IRETURN)));
        return list;
    }

    /** The id a transformed method records with its frame, checked when the frame is restored. */
    static int methodId(String owner, String name, String desc) {
        return (owner + '.' + name + desc).hashCode();
    }

    /** Replaces a refused method's body by {@code throw new IllegalStateException(message)}. */
    private static void stub(MethodNode mn, List<TransformRefusedException.Refusal> refusals) {
        StringBuilder message = new StringBuilder("Weft stackless transformer refused this method, so it cannot run:");
        for (TransformRefusedException.Refusal r : refusals) {
            message.append("\n  ").append(r);
        }
        mn.instructions.clear();
        mn.tryCatchBlocks.clear();
        if (mn.localVariables != null) {
            mn.localVariables.clear();
        }
        mn.visibleLocalVariableAnnotations = null;
        mn.invisibleLocalVariableAnnotations = null;
        mn.instructions.add(new TypeInsnNode(Opcodes.NEW, "java/lang/IllegalStateException"));
        mn.instructions.add(new InsnNode(Opcodes.DUP));
        mn.instructions.add(new LdcInsnNode(message.toString()));
        mn.instructions.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>",
                "(Ljava/lang/String;)V", false));
        mn.instructions.add(new InsnNode(Opcodes.ATHROW));
    }

    // ----------------------------------------------------------------------------------------
    // Messages

    private static TransformRefusedException.Refusal refusal(ClassContext ctx, MethodNode mn, AbstractInsnNode at, String reason) {
        return new TransformRefusedException.Refusal(dotted(ctx.cn.name), mn.name + mn.desc, lineOf(mn, at), reason);
    }

    private static int lineOf(MethodNode mn, AbstractInsnNode at) {
        AbstractInsnNode n = at != null ? at : mn.instructions.getFirst();
        for (AbstractInsnNode p = n; p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode line) {
                return line.line;
            }
        }
        for (AbstractInsnNode p = n; p != null; p = p.getNext()) {
            if (p instanceof LineNumberNode line) {
                return line.line;
            }
        }
        return -1;
    }

    private static String describe(MethodInsnNode m) {
        return dotted(m.owner) + "." + m.name;
    }

    static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    private static boolean hasAnnotation(List<AnnotationNode> annotations, String desc) {
        if (annotations == null) {
            return false;
        }
        for (AnnotationNode a : annotations) {
            if (a.desc.equals(desc)) {
                return true;
            }
        }
        return false;
    }

    /** A class writer whose frame computation reads super classes from the hierarchy instead of loading classes. */
    private final class HierarchyClassWriter extends ClassWriter {
        private final ClassHierarchy.ClassInfo self;

        HierarchyClassWriter(int flags, ClassHierarchy.ClassInfo self) {
            super(flags);
            this.self = self;
        }

        @Override
        protected String getCommonSuperClass(String type1, String type2) {
            return hierarchy.commonSuperClass(type1, type2, self);
        }
    }
}
