package dev.weft.fiber.impl.stackless;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code -javaagent} entry of the stackless transformer: rewrites suspendable code as
 * classes load. Named as {@code Premain-Class} in the fiber-impl jar's manifest:
 * <pre>
 *   java -javaagent:fiber-impl.jar[=com.example,org.acme] ...
 * </pre>
 * The optional argument restricts the agent to the listed packages (and sub-packages); without
 * it every class outside the JDK, ASM and Weft itself is examined.
 *
 * <p>A class-file transformer cannot fail a class load (the JVM ignores its exceptions), so a
 * refused method is loaded with a body that throws {@link IllegalStateException} carrying the
 * refusal, and the refusal is also printed to {@code System.err} when the class loads.
 */
public final class TransformerAgent {
    private TransformerAgent() {
    }

    /**
     * Installs the transformer.
     *
     * @param args        comma-separated package prefixes to transform, or null/empty for all
     * @param instrumentation the JVM's instrumentation
     */
    public static void premain(String args, Instrumentation instrumentation) {
        instrumentation.addTransformer(new Transformer(parsePackages(args)));
    }

    /**
     * Same as {@link #premain}, for an agent loaded into a running JVM (affects classes loaded later).
     *
     * @param args        comma-separated package prefixes to transform, or null/empty for all
     * @param instrumentation the JVM's instrumentation
     */
    public static void agentmain(String args, Instrumentation instrumentation) {
        premain(args, instrumentation);
    }

    private static List<String> parsePackages(String args) {
        if (args == null || args.isBlank()) {
            return List.of();
        }
        return Arrays.stream(args.split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(p -> p.replace('.', '/') + "/")
                .toList();
    }

    private static final List<String> SKIPPED = List.of("java/", "javax/", "jdk/", "sun/", "com/sun/",
            "org/objectweb/asm/", "dev/weft/fiber/");

    private static final class Transformer implements ClassFileTransformer {
        private final List<String> packages;
        private final Map<ClassLoader, SuspendableTransformer> transformers = new WeakHashMap<>();

        Transformer(List<String> packages) {
            this.packages = packages;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (className == null || !wanted(className)) {
                return null;
            }
            try {
                SuspendableTransformer.Result r = transformerFor(loader).transformOrStub(classfileBuffer);
                if (!r.refusals().isEmpty()) {
                    System.err.println(new TransformRefusedException(r.refusals()).getMessage());
                }
                return r.bytes() == classfileBuffer ? null : r.bytes();
            } catch (RuntimeException | LinkageError e) {
                System.err.println("Weft stackless transformer failed on " + className.replace('/', '.') + ": " + e);
                return null;
            }
        }

        private boolean wanted(String className) {
            if (packages.isEmpty()) {
                for (String s : SKIPPED) {
                    if (className.startsWith(s)) {
                        return false;
                    }
                }
                return true;
            }
            for (String p : packages) {
                if (className.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * One transformer (and hierarchy cache) per class loader. The hierarchy reaches its loader
         * through a weak reference, so the cache entry does not keep its own key alive.
         */
        private synchronized SuspendableTransformer transformerFor(ClassLoader loader) {
            ClassLoader key = loader != null ? loader : ClassLoader.getPlatformClassLoader();
            return transformers.computeIfAbsent(key, k -> {
                WeakReference<ClassLoader> ref = new WeakReference<>(k);
                return new SuspendableTransformer(new ClassHierarchy(name -> {
                    ClassLoader l = ref.get();
                    return l == null ? null : ClassHierarchy.resourceBytes(l, name);
                }));
            });
        }
    }
}
