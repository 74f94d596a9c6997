package dev.weft.fiber.sim;

import dev.weft.fiber.DeterministicScheduler.Strategy;
import dev.weft.fiber.test.Explorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Opt-in ({@code -Dweft.compareStrategies=true}): how many seeds each strategy needs to find each
 * known race. For every race and strategy, {@value #SEARCHES} independent searches (first seeds
 * 0, 100000, 200000, ...) of at most {@value #LIMIT} seeds each; the table gives the median, mean
 * and largest number of seeds to the first failure, and how many searches found nothing. Printed,
 * and written to {@code target/strategy-comparison.md}: the table in docs/testing.md comes from it.
 */
@EnabledIfSystemProperty(named = "weft.compareStrategies", matches = "true")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class StrategyComparisonTest {

    private static final int SEARCHES = 40;
    private static final int LIMIT = 2_000;

    @Test
    void countSeedsToTheFirstFailure() throws Exception {
        List<KnownRaces.Race> races = new ArrayList<>(KnownRaces.all());
        races.add(new KnownRaces.Race("long fiber overtakes", KnownRaces::longFiberOvertakes));
        StringBuilder table = new StringBuilder()
                .append("| race | strategy | median seeds | mean seeds | most seeds | searches that found nothing (of ")
                .append(SEARCHES).append(", ").append(LIMIT).append(" seeds each) |\n|---|---|---:|---:|---:|---:|\n");
        for (KnownRaces.Race race : races) {
            for (Strategy strategy : Strategy.values()) {
                int[] needed = new int[SEARCHES];
                int missed = 0;
                for (int i = 0; i < SEARCHES; i++) {
                    Explorer.Result r = Explorer.explore(strategy, i * 100_000L, LIMIT, race.body());
                    if (r.failure() == null) {
                        missed++;
                        needed[i] = Integer.MAX_VALUE;
                    } else {
                        needed[i] = r.runs();
                    }
                }
                table.append(row(race.name(), strategy, needed, missed)).append('\n');
            }
        }
        System.out.println(table);
        Path out = Path.of("target", "strategy-comparison.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    private static String row(String race, Strategy strategy, int[] needed, int missed) {
        int[] found = Arrays.stream(needed).filter(n -> n != Integer.MAX_VALUE).sorted().toArray();
        if (found.length == 0) {
            return "| " + race + " | " + strategy + " | - | - | - | " + missed + " |";
        }
        double mean = Arrays.stream(found).average().orElse(0);
        int median = found[found.length / 2];
        return String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %d | %d |", race, strategy, median, mean,
                found[found.length - 1], missed);
    }
}
