package dev.weft.fiber.impl.channel;

import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the jcstress tests of {@link ChannelHandOffStress} in a child JVM, which forks the test
 * JVMs with the Weft flags, and fails if any of them saw a forbidden outcome. It costs 20 to 30 s
 * (most of it jcstress probing the JVM), so the default suite skips it:
 * {@code -Dweft.jcstress=true} runs jcstress's {@code quick} preset without split compilation
 * (about 200,000 samples per test), {@code -Dweft.stress=true} its {@code default} preset. The
 * results land in {@code fiber-impl/target/jcstress-results}.
 * (That a forbidden outcome fails this test was checked by declaring the right outcome
 * forbidden once: jcstress reported it FAILED and exited non-zero.)
 */
class ChannelHandOffJCStressTest {

    @Test
    void handOffBetweenASenderAndAParkedReceiverPublishesTheItemAndLeavesNothingBehind() throws Exception {
        boolean stress = Boolean.getBoolean("weft.stress");
        assumeTrue(stress || Boolean.getBoolean("weft.jcstress"),
                "jcstress runs take 20-30 s: run with -Dweft.jcstress=true (quick) or -Dweft.stress=true");
        String mode = stress ? "default" : "quick";
        String weftFlags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-exports=") || a.startsWith("--add-opens=")).toList());
        ChildJvm.Result r = ChildJvm.run(List.of(), org.openjdk.jcstress.Main.class,
                "-t", ChannelHandOffStress.class.getName(), "-m", mode, "-sc", "false", "-jvmArgs", weftFlags,
                "-r", "target/jcstress-results");
        String out = r.output();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("3 passed, 0 failed, 0 soft errs, 0 hard errs"), out);
    }
}
