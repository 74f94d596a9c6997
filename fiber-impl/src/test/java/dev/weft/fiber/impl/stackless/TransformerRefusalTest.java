package dev.weft.fiber.impl.stackless;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every construct the transformer refuses gives its own error, naming class, method, line and
 * reason. Each class under {@code refused/} marks the offending line with a "// refused" comment,
 * which the test finds in the source to check the reported line.
 */
class TransformerRefusalTest {

    private static final String PACKAGE = "dev/weft/fiber/impl/stackless/refused/";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "InSynchronizedBlock                  | run        | inside synchronized",
        "InSynchronizedMethod                 | run        | in a synchronized method",
        "InConstructor                        | <init>     | in a constructor",
        "InStaticInitializer                  | <clinit>   | in a static initializer",
        "UninitializedOnStack                 | run        | uninitialized java.lang.StringBuilder on the operand stack",
        "NotMarked                            | run        | is not marked @Suspendable",
        "PlainLambda                          | lambda$run$0 | a lambda implementing java.util.function.Consumer.accept (not @Suspendable)",
        "MethodReferenceThroughPlainInterface | suspender  | used as java.lang.Runnable.run, which is not @Suspendable",
        "Reflective                           | run        | reflective call java.lang.reflect.Method.invoke",
    })
    void refusedConstructIsReportedWithClassMethodLineAndReason(String simpleName, String method, String reason)
            throws IOException {
        byte[] bytes = classBytes(PACKAGE + simpleName);
        SuspendableTransformer transformer = SuspendableTransformer.forClassLoader(getClass().getClassLoader());
        TransformRefusedException e = assertThrows(TransformRefusedException.class, () -> transformer.transform(bytes));
        List<TransformRefusedException.Refusal> refusals = e.refusals();
        assertEquals(1, refusals.size(), e.getMessage());
        TransformRefusedException.Refusal r = refusals.get(0);
        String className = "dev.weft.fiber.impl.stackless.refused." + simpleName;
        assertEquals(className, r.className());
        assertTrue(r.method().startsWith(method + "("), r.method());
        assertEquals(markedLine(simpleName), r.line(), e.getMessage());
        assertTrue(r.reason().contains(reason), r.reason());
        assertTrue(e.getMessage().contains(className + "." + method), e.getMessage());
        assertTrue(e.getMessage().contains("(line " + r.line() + ")"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"InSynchronizedBlock", "NotMarked", "PlainLambda"})
    void stubbingModeLoadsTheClassButTheRefusedMethodThrowsTheRefusal(String simpleName) throws IOException {
        byte[] bytes = classBytes(PACKAGE + simpleName);
        SuspendableTransformer transformer = SuspendableTransformer.forClassLoader(getClass().getClassLoader());
        SuspendableTransformer.Result r = transformer.transformOrStub(bytes);
        assertEquals(1, r.refusals().size());
        assertTrue(TransformedClassesVerifyTest.verify(r.bytes(), getClass().getClassLoader()).isEmpty());
        assertNotNull(r.bytes());
    }

    static byte[] classBytes(String internalName) throws IOException {
        try (var in = TransformerRefusalTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }

    private static int markedLine(String simpleName) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/" + PACKAGE + simpleName + ".java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// refused")) {
                return i + 1;
            }
        }
        throw new AssertionError("no // refused marker in " + simpleName);
    }
}
