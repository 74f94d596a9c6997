package dev.weft.fiber.impl.stackless;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the stackless transformer needs to know about classes other than the one it rewrites:
 * super types (for stack-map frames and for which overridden methods are {@code @Suspendable})
 * and which methods carry {@code @Suspendable}. Read from class-file bytes, never by loading a
 * class, so it is safe inside a {@code -javaagent} and in a build step. Thread-safe; results are
 * cached for the life of the instance.
 */
public final class ClassHierarchy {

    static final String SUSPENDABLE_DESC = "Ldev/weft/fiber/Suspendable;";

    /**
     * The facts about one class.
     *
     * @param bridgeTargets for each bridge method (name + descriptor), the method of the same
     *                      class it forwards to: javac's bridges for covariant returns and generic
     *                      parameters, through which the target inherits suspendability
     */
    record ClassInfo(String name, String superName, List<String> interfaces, boolean isInterface,
                     boolean isPublic, Set<String> suspendableMethods, Map<String, String> bridgeTargets) {
    }

    /** Cached "not found", since a ConcurrentHashMap cannot hold null. */
    private static final ClassInfo MISSING = new ClassInfo("", null, List.of(), false, false, Set.of(), Map.of());

    private final Function<String, byte[]> classBytes;
    private final Map<String, ClassInfo> cache = new ConcurrentHashMap<>();

    /**
     * Creates a hierarchy that reads class files through a function.
     *
     * @param classBytes finds the class file of an internal name ({@code java/lang/String}), or null
     */
    public ClassHierarchy(Function<String, byte[]> classBytes) {
        this.classBytes = Objects.requireNonNull(classBytes, "classBytes");
    }

    /**
     * A hierarchy read through {@code loader}'s resources (JDK classes through the platform's).
     *
     * @param loader where class files are read from
     * @return a new hierarchy with an empty cache
     */
    public static ClassHierarchy of(ClassLoader loader) {
        return new ClassHierarchy(name -> resourceBytes(loader, name));
    }

    static byte[] resourceBytes(ClassLoader loader, String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The facts about {@code internalName}, or null if its class file cannot be found. */
    ClassInfo info(String internalName) {
        ClassInfo i = cache.computeIfAbsent(internalName, this::read);
        return i == MISSING ? null : i;
    }

    private ClassInfo read(String internalName) {
        byte[] bytes = classBytes.apply(internalName);
        return bytes == null ? MISSING : parse(bytes);
    }

    /** Reads the facts from a class file (method bodies skipped, except those of bridge methods). */
    static ClassInfo parse(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        String self = reader.getClassName();
        Set<String> suspendable = new HashSet<>();
        Map<String, String> bridges = new HashMap<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                boolean bridge = (access & Opcodes.ACC_BRIDGE) != 0;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                        if (SUSPENDABLE_DESC.equals(desc)) {
                            suspendable.add(name + descriptor);
                        }
                        return null;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String callee, String calleeDesc, boolean itf) {
                        if (bridge && owner.equals(self) && callee.equals(name)) {
                            bridges.put(name + descriptor, callee + calleeDesc);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassInfo(self, reader.getSuperName(), List.of(reader.getInterfaces()),
                (reader.getAccess() & Opcodes.ACC_INTERFACE) != 0, (reader.getAccess() & Opcodes.ACC_PUBLIC) != 0,
                Set.copyOf(suspendable), Map.copyOf(bridges));
    }

    /**
     * Whether {@code owner} or one of its super types marks {@code name + descriptor}
     * {@code @Suspendable}, directly or through a bridge method that forwards to it. Super types
     * whose class files cannot be found are skipped.
     *
     * @param self facts about the class being transformed (it may not be readable yet), or null
     */
    boolean isSuspendable(String owner, String nameAndDesc, ClassInfo self) {
        return isSuspendable(owner, nameAndDesc, self, new HashSet<>());
    }

    private boolean isSuspendable(String owner, String nameAndDesc, ClassInfo self, Set<String> methodsSeen) {
        if (!methodsSeen.add(nameAndDesc)) {
            return false;
        }
        Deque<String> work = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        work.add(owner);
        while (!work.isEmpty()) {
            String n = work.poll();
            if (!seen.add(n)) {
                continue;
            }
            ClassInfo i = self != null && self.name().equals(n) ? self : info(n);
            if (i == null) {
                continue;
            }
            if (i.suspendableMethods().contains(nameAndDesc)) {
                return true;
            }
            for (Map.Entry<String, String> bridge : i.bridgeTargets().entrySet()) {
                if (bridge.getValue().equals(nameAndDesc) && isSuspendable(n, bridge.getKey(), self, methodsSeen)) {
                    return true;
                }
            }
            if (i.superName() != null) {
                work.add(i.superName());
            }
            work.addAll(i.interfaces());
        }
        return false;
    }

    /**
     * The nearest common super class of two classes, as the JVM verifier sees it: interfaces
     * count as {@code java/lang/Object}.
     *
     * @throws TypeNotFoundException if a class on either chain cannot be found
     */
    String commonSuperClass(String a, String b, ClassInfo self) {
        if (a.equals(b)) {
            return a;
        }
        List<String> chainA = superChain(a, self);
        List<String> chainB = superChain(b, self);
        if (chainA.isEmpty() || chainB.isEmpty()) {
            return "java/lang/Object";
        }
        Set<String> inA = new HashSet<>(chainA);
        for (String c : chainB) {
            if (inA.contains(c)) {
                return c;
            }
        }
        return "java/lang/Object";
    }

    /** Packages of the JDK that are not exported to application code, whatever their classes' flags. */
    private static final List<String> NOT_EXPORTED = List.of("jdk/internal/", "sun/", "com/sun/");

    /**
     * The most specific class, among {@code internalName} and its super classes, that code in
     * class {@code from} may name in a {@code checkcast}: public (in an exported package) or in
     * {@code from}'s own package. A merge of two types can produce a class the code itself
     * never named, such as {@code java.lang.AbstractStringBuilder} for a {@code StringBuilder}
     * and a {@code StringBuffer}. Unknown classes are returned as they are.
     */
    String accessibleClass(String internalName, String from) {
        String n = internalName;
        while (n != null) {
            ClassInfo i = info(n);
            if (i == null || packageOf(n).equals(packageOf(from))) {
                return n;
            }
            boolean exported = NOT_EXPORTED.stream().noneMatch(n::startsWith);
            if (i.isPublic() && exported) {
                return n;
            }
            n = i.superName();
        }
        return "java/lang/Object";
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** The class and its super classes up to Object; empty for an interface. */
    private List<String> superChain(String name, ClassInfo self) {
        List<String> chain = new ArrayList<>();
        String n = name;
        while (n != null) {
            ClassInfo i = self != null && self.name().equals(n) ? self : info(n);
            if (i == null) {
                throw new TypeNotFoundException(n);
            }
            if (i.isInterface()) {
                return List.of();
            }
            chain.add(n);
            n = i.superName();
        }
        return chain;
    }

    /** A class needed to compute stack-map frames is not on the transformer's class path. */
    static final class TypeNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TypeNotFoundException(String internalName) {
            super("class " + internalName.replace('/', '.') + " not found (it is needed to compute stack-map frames; "
                    + "put it on the transformer's class path)");
        }
    }
}
