package dev.weft.fiber.impl.channel.handoff;

import dev.weft.fiber.impl.ChildJvm;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the channels' jcstress 0.16 tests in jcstress's own harness, in a child JVM that forks the
 * test VMs (they inherit its Weft flags), and fails if any outcome was forbidden, a test erred or
 * hung: the hand-off between a sender and a parked receiver ({@code ChannelHandOffStress}:
 * rendezvous, a buffer of one, a selecting receiver; the item's plain fields are visible and
 * nothing is left behind), close waking a parked receiver, and send-then-close delivering the
 * item ({@link CloseWakesAParkedReceiver}, {@link SendThenCloseDeliversTheItem}). The default
 * suite runs jcstress's {@code quick} preset in one JVM configuration, without split compilation;
 * {@code -Pstress} runs its {@code default} preset over all of its configurations. (That a
 * forbidden outcome fails this test was checked by declaring the right outcome forbidden once:
 * jcstress reported it FAILED.)
 */
class HandOffJcstressTest {

    @Test
    void everyHandOffOutcomeIsAllowed() throws Exception {
        Path results = Files.createDirectories(Path.of("target", "jcstress"));
        boolean stress = Boolean.getBoolean("weft.stress");
        List<String> args = new ArrayList<>(List.of(
                "-t", "dev\\.weft\\.fiber\\.impl\\.channel\\.(ChannelHandOffStress|handoff\\.).*",
                "-m", stress ? "default" : "quick",
                "-c", "2",
                "-r", results.toString()));
        if (!stress) {
            // One JVM configuration (the Weft flags alone) instead of jcstress's set of C2 stress
            // flag combinations, each a fork of its own: a quarter of the time; -Pstress runs them all.
            String weftFlags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--add-exports=") || a.startsWith("--add-opens=")).toList());
            args.addAll(List.of("-sc", "false", "-jvmArgs", weftFlags));
        }
        // Without -jvmArgs the forked test VMs inherit this child's flags, the Weft ones among them.
        ChildJvm.Result run = ChildJvm.run(List.of("-Xmx512m"), org.openjdk.jcstress.Main.class, args.toArray(String[]::new));
        String out = run.output();
        assertEquals(0, run.exitCode(), () -> "jcstress exited with " + run.exitCode() + ":\n" + tail(out));
        // jcstress prints a progress line per finished test configuration; the last one sums up the run
        Matcher progress = Pattern.compile("Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs")
                .matcher(out);
        String[] last = null;
        while (progress.find()) {
            last = new String[] {progress.group(1), progress.group(2), progress.group(3), progress.group(4), progress.group(5)};
        }
        assertTrue(last != null, () -> "no jcstress results line in:\n" + tail(out));
        String[] summary = last;
        assertEquals(summary[0], summary[1], () -> "not every planned configuration passed:\n" + tail(out));
        assertEquals("0", summary[2], () -> "forbidden outcomes:\n" + tail(out));
        assertEquals("0", summary[3], () -> "soft errors:\n" + tail(out));
        assertEquals("0", summary[4], () -> "hard errors:\n" + tail(out));
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }
}
