package dev.weft.fiber.impl.gen;

import dev.weft.fiber.Generator;
import dev.weft.fiber.GeneratorBody;
import dev.weft.fiber.GeneratorFunction;
import dev.weft.fiber.impl.stackless.Transformed;
import dev.weft.fiber.spi.GeneratorProvider;

/**
 * The {@link GeneratorProvider} of fiber-impl, registered in
 * {@code META-INF/services/dev.weft.fiber.spi.GeneratorProvider}.
 */
public final class WeftGeneratorProvider implements GeneratorProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public WeftGeneratorProvider() {
    }

    @Override
    public <T> Generator<T> newGenerator(boolean stackless, GeneratorBody<T> body, GeneratorFunction<T, ?> function) {
        if (!stackless) {
            checkContinuationAccess();
            return new StackfulGenerator<>(body, function);
        }
        checkTransformed(body != null ? body : function);
        return new StacklessGenerator<>(body, function);
    }

    /**
     * Fails as a fiber does without the JVM flag (an {@link IllegalStateException} that shows the
     * line to add), before {@link StackfulGenerator} is loaded: loading it without the flag
     * throws a bare {@link IllegalAccessError} from its static initializer, and every later use a
     * {@link NoClassDefFoundError}. The stackless backend needs no flag.
     */
    private static void checkContinuationAccess() {
        Module weft = WeftGeneratorProvider.class.getModule();
        if (!Object.class.getModule().isExported("jdk.internal.vm", weft)) {
            String target = weft.isNamed() ? weft.getName() : "ALL-UNNAMED";
            throw new IllegalStateException("Weft's stackful generators need access to jdk.internal.vm, which this JVM "
                    + "does not export. Start the JVM with:  --add-exports java.base/jdk.internal.vm=" + target
                    + "  (or use Generators.stackless, which needs no flag). See Weft's README.");
        }
    }

    /**
     * Rejects a body whose code the stackless transformer never saw: it would run, but its first
     * yield could not be resumed. A lambda's code lives in the class that wrote it (the lambda
     * object's class is a hidden class nested in it).
     */
    static void checkTransformed(Object body) {
        Class<?> c = body.getClass();
        Class<?> codeClass = c.isHidden() ? c.getNestHost() : c;
        if (!codeClass.isAnnotationPresent(Transformed.class)) {
            throw new IllegalArgumentException("Generators.stackless: the body's class " + codeClass.getName()
                    + " was not rewritten by the stackless transformer. Run the transformer over it "
                    + "(Maven build step, TransformingClassLoader or -javaagent; see docs/generators.md), "
                    + "or use Generators.stackful.");
        }
    }
}
