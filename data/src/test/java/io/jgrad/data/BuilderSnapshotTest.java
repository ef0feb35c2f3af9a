package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DataLoader's builder is snapshotted at build(): setters called afterwards change no loader
 * already built. (SyntheticClassification's builder returns finished data, so it holds no options.)
 */
class BuilderSnapshotTest {
    private static List<int[]> epoch(DataLoader loader) {
        List<int[]> out = new ArrayList<>();
        for (Batch b : loader) {
            out.add(b.indices());
        }
        return out;
    }

    private static void assertSameBatches(List<int[]> expected, List<int[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "batch " + i);
        }
    }

    @Test
    void dataLoaderKeepsItsOptions() {
        Dataset d = SyntheticClassification.builder().samples(23).features(4).seed(3).build();
        DataLoader.Builder b = DataLoader.builder(d).batchSize(5).shuffle(true).seed(7);
        DataLoader built = b.build();
        b.batchSize(2).shuffle(false).dropLast(true).seed(99);
        DataLoader twin = DataLoader.builder(d).batchSize(5).shuffle(true).seed(7).build();
        assertEquals(5, built.batchSize());
        assertEquals(5, built.numBatches());
        assertSameBatches(epoch(twin), epoch(built));
        assertNotEquals(built.numBatches(), b.build().numBatches(), "the builder itself did change");
    }
}
