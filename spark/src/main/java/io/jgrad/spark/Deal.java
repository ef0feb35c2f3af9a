package io.jgrad.spark;

import io.jgrad.data.Dataset;
import io.jgrad.tensor.Rng;
import java.io.Serializable;

/**
 * Deals the training rows to N workers in blocks of B, round robin: block {@code b} (rows
 * {@code [b·B, (b+1)·B)} of the deal order) goes to worker {@code b mod N}. Step s of an
 * unshuffled epoch then takes exactly rows {@code [s·N·B, (s+1)·N·B)}, worker k the k-th block of
 * them, as the API promises. With shuffling the deal order is one seeded permutation of all rows
 * (so sorted input still mixes), and every epoch each shard reshuffles its own rows.
 */
final class Deal {
    private Deal() {
    }

    /** The training set as plain arrays: what the driver broadcasts once so executors can cut their shards. */
    record Rows(float[] features, int[] labels, int numFeatures) implements Serializable {
        static Rows of(Dataset data) {
            return new Rows(data.features().toFloatArray(), data.labels(), data.numFeatures());
        }
    }

    /** Steps per epoch: whole global batches of N·B rows (a last partial one is left out, as dropLast). */
    static int stepsPerEpoch(int rows, int workers, int batchSize) {
        int steps = (int) (rows / ((long) workers * batchSize));
        if (steps == 0) {
            throw new IllegalArgumentException("SparkTrainer.fit: " + rows + " training rows do not fill one global "
                    + "batch of workers × batchSizePerWorker = " + workers + " × " + batchSize);
        }
        return steps;
    }

    /** Worker k's rows, in deal order. */
    static Shard shard(Rows data, int k, int workers, int batchSize, boolean shuffle, long seed) {
        int m = data.labels().length;
        int d = data.numFeatures();
        int[] order = shuffle ? new Rng(Seeds.derive(seed, Seeds.DEAL, 0, 0)).permutation(m) : null;
        int size = 0;
        for (int p = 0; p < m; p++) {
            size += (p / batchSize) % workers == k ? 1 : 0;
        }
        float[] x = new float[size * d];
        int[] y = new int[size];
        int j = 0;
        for (int p = 0; p < m; p++) {
            if ((p / batchSize) % workers == k) {
                int row = order == null ? p : order[p];
                System.arraycopy(data.features(), row * d, x, j * d, d);
                y[j++] = data.labels()[row];
            }
        }
        return new Shard(k, x, y, d);
    }
}
