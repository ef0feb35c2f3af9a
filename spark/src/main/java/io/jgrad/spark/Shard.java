package io.jgrad.spark;

import io.jgrad.data.Batch;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One worker's share of the training set, as plain arrays (what a cached Spark partition holds;
 * never an ND4J array, which neither serializes nor survives an executor's memory manager).
 * Rows are in deal order: local row {@code j} belongs to global block {@code (j / B)·N + index}.
 *
 * @param index       the worker (partition) number k
 * @param features    row-major {@code [size, numFeatures]}
 * @param labels      one class per row
 * @param numFeatures features per row
 */
record Shard(int index, float[] features, int[] labels, int numFeatures) implements Serializable {
    /** Rows held. */
    int size() {
        return labels.length;
    }

    /**
     * The rows worker {@link #index} trains on at {@code stepInEpoch} of {@code epoch}: the
     * {@code stepInEpoch}-th block of {@code batchSize} rows of this epoch's order, which is the
     * deal order without shuffling and a fresh permutation per (epoch, shard) with it.
     */
    Batch block(int epoch, int stepInEpoch, int batchSize, boolean shuffle, long seed) {
        int from = stepInEpoch * batchSize;
        if (from < 0 || from + batchSize > size()) {
            throw new IllegalArgumentException("Shard.block: step " + stepInEpoch + " at batch size " + batchSize
                    + " needs rows [" + from + ", " + ((long) from + batchSize) + ") but shard " + index + " holds "
                    + size());
        }
        int[] order = shuffle ? new Rng(Seeds.derive(seed, Seeds.SHUFFLE, epoch, index)).permutation(size())
                : identity(size());
        int[] rows = Arrays.copyOfRange(order, from, from + batchSize);
        int[] y = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            y[i] = labels[rows[i]];
        }
        return new Batch(Tensor.gatherRows(features, numFeatures, rows, 0, batchSize), y, rows);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }
}
