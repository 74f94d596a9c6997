package dev.weft.bench.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suite's smoke profile, forked servers and all, writes the eight rows the report reads. */
class LoadSuiteSmokeTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void smokeProfileWritesOneRowPerContenderAndWorkload(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench-data/smoke-io.json");
        LoadSuite.run(out, "smoke");
        JsonArray rows = JsonParser.parseString(Files.readString(out)).getAsJsonArray();
        assertEquals(8, rows.size());
        Set<String> combinations = new HashSet<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            assertEquals(List.of("server", "family", "workload", "connections", "requestsPerConnection", "requests", "errors",
                    "seconds", "rps", "p50Micros", "p99Micros", "p999Micros", "bytesPerIdleConnection"), new ArrayList<>(row.keySet()));
            assertTrue(Set.of("weft", "virtual-threads", "thread-pool").contains(row.get("family").getAsString()), row.toString());
            String server = row.get("server").getAsString();
            String workload = row.get("workload").getAsString();
            assertTrue(server.endsWith(" " + workload), server);
            assertTrue(Set.of("weft-fibers", "weft-fibers-legacy-locking", "virtual-threads", "thread-pool")
                    .contains(server.substring(0, server.length() - workload.length() - 1)), server);
            assertEquals(row.get("family").getAsString(), server.startsWith("weft") ? "weft" : server.substring(0, server.indexOf(' ')));
            combinations.add(server);
            assertEquals(0, row.get("errors").getAsLong(), row.toString());
            assertEquals(row.get("connections").getAsLong() * row.get("requestsPerConnection").getAsLong(), row.get("requests").getAsLong());
            assertTrue(row.get("rps").getAsDouble() > 0, row.toString());
        }
        assertEquals(8, combinations.size(), combinations.toString());
    }
}
