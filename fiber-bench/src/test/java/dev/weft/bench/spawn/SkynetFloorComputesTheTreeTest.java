package dev.weft.bench.spawn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The raw-continuation floor of {@link SkynetBench} sums the same tree as the contenders. */
class SkynetFloorComputesTheTreeTest {

    @Test
    void theFloorSumsEveryLeafOnce() {
        for (long leaves : new long[] {1, 10, 10_000, SkynetBench.LEAVES}) {
            assertEquals(leaves * (leaves - 1) / 2, SkynetBench.FloorNode.run(leaves), "leaves " + leaves);
        }
    }
}
