package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** 23 examples of 3 features; row i is (i, 10i, 100i), label i % 4. */
    private static Dataset rows() {
        int n = 23;
        float[] x = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[3 * i] = i;
            x[3 * i + 1] = 10 * i;
            x[3 * i + 2] = 100 * i;
            y[i] = i % 4;
        }
        return Dataset.of(x, 3, y, 4);
    }

    private static List<int[]> epoch(DataLoader loader) {
        List<int[]> out = new ArrayList<>();
        for (Batch b : loader) {
            out.add(b.indices());
        }
        return out;
    }

    @Test
    void unshuffledBatchesFollowTheDataAndKeepTheShortLastBatch() {
        DataLoader loader = DataLoader.builder(rows()).batchSize(5).build();
        assertEquals(5, loader.numBatches());
        List<int[]> batches = epoch(loader);
        assertEquals(5, batches.size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, batches.get(0));
        assertArrayEquals(new int[] {20, 21, 22}, batches.get(4));
    }

    @Test
    void batchesCarryTheRightRowsAndLabels() {
        DataLoader loader = DataLoader.builder(rows()).batchSize(4).shuffle(true).seed(3).build();
        for (Batch b : loader) {
            assertArrayEquals(new long[] {b.size(), 3}, b.features().shape());
            float[] x = b.features().toFloatArray();
            for (int r = 0; r < b.size(); r++) {
                int i = b.indices()[r];
                assertArrayEquals(new float[] {i, 10 * i, 100 * i}, Arrays.copyOfRange(x, 3 * r, 3 * r + 3));
                assertEquals(i % 4, b.labels()[r]);
            }
        }
    }

    @Test
    void sameSeedSameOrderEveryEpochDifferentSeedDifferentOrder() {
        DataLoader a = DataLoader.builder(rows()).batchSize(4).shuffle(true).seed(42).build();
        DataLoader b = DataLoader.builder(rows()).batchSize(4).shuffle(true).seed(42).build();
        DataLoader c = DataLoader.builder(rows()).batchSize(4).shuffle(true).seed(43).build();
        int[] a1 = flat(epoch(a));
        int[] a2 = flat(epoch(a));
        assertArrayEquals(a1, flat(epoch(b)));
        assertArrayEquals(a2, flat(epoch(b)));
        assertFalse(Arrays.equals(a1, a2), "each epoch reshuffles");
        assertFalse(Arrays.equals(a1, flat(epoch(c))), "another seed gives another order");
    }

    @Test
    void everyEpochCoversEveryExampleOnce() {
        DataLoader loader = DataLoader.builder(rows()).batchSize(6).shuffle(true).seed(7).build();
        for (int e = 0; e < 3; e++) {
            int[] seen = flat(epoch(loader));
            Arrays.sort(seen);
            int[] all = new int[23];
            Arrays.setAll(all, i -> i);
            assertArrayEquals(all, seen);
        }
    }

    @Test
    void dropLastSkipsTheShortBatch() {
        DataLoader loader = DataLoader.builder(rows()).batchSize(5).shuffle(true).seed(1).dropLast(true).build();
        assertEquals(4, loader.numBatches());
        assertEquals(20, loader.numSamples());
        List<int[]> batches = epoch(loader);
        assertEquals(4, batches.size());
        for (int[] b : batches) {
            assertEquals(5, b.length);
        }
        assertEquals(20, Arrays.stream(flat(batches)).distinct().count());
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(rows()).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(null));
    }

    private static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
