package dev.weft.bench;

import dev.weft.bench.report.JmhJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profiles of the benchmark run: the standard profile's two passes, and the merge of their results. */
class BenchProfilesTest {

    @Test
    void standardRunsTheHeadlineClassesWithMoreForksAndEverythingElseOnce() {
        BenchMain.Profile standard = BenchMain.Profile.named("standard");
        List<BenchMain.Pass> passes = BenchMain.passes("standard", standard, null);
        assertEquals(2, passes.size());
        assertSame(BenchMain.Profile.HEADLINE, passes.get(0).profile());
        assertTrue(BenchMain.Profile.HEADLINE.forks() >= 2, "a headline row comes from more than one JVM");
        assertNull(passes.get(0).exclude());
        assertEquals(BenchMain.HEADLINE_CLASSES, passes.get(1).exclude(), "the second pass leaves the headline classes out");
        assertSame(standard, passes.get(1).profile());
        Pattern headline = Pattern.compile(BenchMain.HEADLINE_CLASSES);
        for (String name : List.of("dev.weft.bench.switching.YieldBench.weft", "dev.weft.bench.switching.RingBench.weftLegacyLocking",
                "dev.weft.bench.spawn.SpawnJoinBench.kotlin", "dev.weft.bench.spawn.SkynetBench.weft",
                "dev.weft.bench.idle.IdleWakeBench.forkJoinPool")) {
            assertTrue(headline.matcher(name).find(), name);
        }
        for (String name : List.of("dev.weft.bench.channel.PingPongBench.weft", "dev.weft.bench.generator.GeneratorDepthBench.stackful",
                "dev.weft.bench.executor.ExecutorBench.weftRawFiberMode", "dev.weft.bench.generator.SchedulerRingBench.hops",
                "dev.weft.bench.generator.SchedulerSpawnJoinBench.spawnJoin", "dev.weft.bench.generator.SchedulerSkynetBench.skynet")) {
            assertFalse(headline.matcher(name).find(), name);
        }
    }

    @Test
    void otherProfilesAndPartialRunsAreOnePass() {
        for (String name : List.of("quick", "full", "smoke")) {
            List<BenchMain.Pass> passes = BenchMain.passes(name, BenchMain.Profile.named(name), null);
            assertEquals(1, passes.size(), name);
            assertNull(passes.get(0).exclude());
        }
        List<BenchMain.Pass> partial = BenchMain.passes("standard", BenchMain.Profile.named("standard"), "YieldBench");
        assertEquals(List.of(new BenchMain.Pass("YieldBench", null, BenchMain.Profile.HEADLINE)), partial);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchMain.Profile.named("fast"));
        assertTrue(e.getMessage().contains("standard"), e.getMessage());
    }

    @Test
    void thePassesResultsAreConcatenatedInOrder(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.json"), "[{\"benchmark\": \"x.A.a\"}, {\"benchmark\": \"x.A.b\"}]");
        Path b = Files.writeString(dir.resolve("b.json"), "[{\"benchmark\": \"x.B.c\"}]");
        Path into = dir.resolve("all.json");
        JmhJson.concatenate(List.of(a, dir.resolve("missing.json"), b), into);
        String all = Files.readString(into);
        assertTrue(all.indexOf("x.A.a") < all.indexOf("x.A.b") && all.indexOf("x.A.b") < all.indexOf("x.B.c"), all);
        assertEquals(3, com.google.gson.JsonParser.parseString(all).getAsJsonArray().size());
    }
}
