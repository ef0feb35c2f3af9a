package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Batch;
import io.jgrad.data.Dataset;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The deal of rows to workers and each step's block, as the API contract words them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DealTest {
    /** 23 rows whose single feature is the row number; 3 classes. */
    private static final Deal.Rows ROWS = Deal.Rows.of(Dataset.of(rowNumbers(23), 1, labels(23), 3));

    @Test
    void withoutShufflingStepSTakesTheRowsOfItsGlobalBatchAndWorkerKTheKthBlock() {
        int workers = 3;
        int b = 2;
        assertEquals(3, Deal.stepsPerEpoch(23, workers, b)); // 23 / 6: the last 5 rows make no full global batch
        for (int k = 0; k < workers; k++) {
            Shard shard = Deal.shard(ROWS, k, workers, b, false, 0);
            for (int s = 0; s < 3; s++) {
                Batch block = shard.block(1, s, b, false, 0);
                float[] want = {s * workers * b + k * b, s * workers * b + k * b + 1};
                assertArrayEquals(want, block.features().toFloatArray(), "step " + s + " worker " + k);
                assertArrayEquals(new int[] {(int) want[0] % 3, (int) want[1] % 3}, block.labels());
            }
        }
    }

    @Test
    void shufflingDealsEveryRowOnceAndReshufflesEachEpoch() {
        int workers = 2;
        int b = 3;
        float[] seen = new float[0];
        for (int k = 0; k < workers; k++) {
            Shard shard = Deal.shard(ROWS, k, workers, b, true, 5);
            float[] x = shard.features();
            float[] all = Arrays.copyOf(seen, seen.length + x.length);
            System.arraycopy(x, 0, all, seen.length, x.length);
            seen = all;
        }
        Arrays.sort(seen);
        assertArrayEquals(rowNumbers(23), seen, "every row in exactly one shard");
        Shard shard = Deal.shard(ROWS, 0, workers, b, true, 5);
        float[] epoch1 = shard.block(1, 0, b, true, 5).features().toFloatArray();
        assertArrayEquals(epoch1, Deal.shard(ROWS, 0, workers, b, true, 5).block(1, 0, b, true, 5).features()
                .toFloatArray(), "seeded: the same block every time");
        boolean differs = false;
        for (int e = 2; e <= 6 && !differs; e++) {
            differs = !Arrays.equals(epoch1, shard.block(e, 0, b, true, 5).features().toFloatArray());
        }
        assertTrue(differs, "later epochs reshuffle the shard");
        assertNotEquals(Arrays.toString(epoch1), Arrays.toString(shard.block(1, 0, b, true, 6).features()
                .toFloatArray()), "another seed, another order");
    }

    @Test
    void tooFewRowsForOneGlobalBatchIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Deal.stepsPerEpoch(23, 4, 8));
        assertTrue(e.getMessage().contains("23 training rows") && e.getMessage().contains("4 × 8"), e.getMessage());
        Shard shard = Deal.shard(ROWS, 0, 2, 4, false, 0);
        e = assertThrows(IllegalArgumentException.class, () -> shard.block(1, 5, 4, false, 0));
        assertTrue(e.getMessage().contains("shard 0 holds 12"), e.getMessage());
    }

    private static float[] rowNumbers(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    private static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
        }
        return y;
    }
}
