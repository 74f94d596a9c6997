package dev.weft.fiber.impl.stackless;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code -javaagent} front end, in a child JVM: an application whose classes were never
 * transformed runs a stackless generator, and a refused method throws its refusal.
 */
class TransformerAgentTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void agentTransformsClassesAsTheyLoad(@TempDir Path dir) throws IOException, InterruptedException {
        Path agentJar = dir.resolve("agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", TransformerAgent.class.getName());
        try (OutputStream out = Files.newOutputStream(agentJar); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Path stdout = dir.resolve("out.txt");
        Path stderr = dir.resolve("err.txt");
        Process p = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + agentJar + "=dev.weft.fiber.impl.stackless.agentapp",
                "-cp", System.getProperty("java.class.path"),
                "dev.weft.fiber.impl.stackless.agentapp.AgentApp"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "child JVM did not finish");
        String out = Files.readString(stdout);
        String err = Files.readString(stderr);
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(out.contains("values [3, 2, 1]"), out + err);
        assertTrue(out.contains("refused method threw: Weft stackless transformer refused this method"), out + err);
        assertTrue(err.contains("dev.weft.fiber.impl.stackless.agentapp.Refused.run"), err);
        assertTrue(err.contains("is not marked @Suspendable"), err);
    }
}
