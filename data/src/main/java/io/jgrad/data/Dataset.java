package io.jgrad.data;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Transfers;
import java.util.Arrays;

/**
 * A data set held in memory: {@code N} examples of {@code D} float features (row-major, one
 * flat {@code float[]}) and, per example, either one class index in {@code [0, numClasses)}
 * (classification, {@link #of}) or {@code T} float targets (regression, or probabilities for a
 * one-output binary model, {@link #ofTargets}).
 *
 * <p>The features stay a plain Java array on purpose: gathering a mini-batch is then one
 * {@link System#arraycopy} per row and one ND4J call per batch (see {@link #gather}), instead of
 * one native call per row. A Dataset is immutable; {@link #subset} and {@link #split} copy.
 */
public final class Dataset {
    private final float[] features;
    private final int[] labels;        // class labels, or null when the targets are floats
    private final float[] targets;     // float targets [N, numTargets], or null for class labels
    private final int size;
    private final int numFeatures;
    private final int numClasses;      // 0 with float targets
    private final int numTargets;      // 0 with class labels

    private Dataset(float[] features, int[] labels, float[] targets, int size, int numFeatures, int numClasses,
                    int numTargets) {
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.size = size;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.numTargets = numTargets;
    }

    /**
     * A data set over a copy of {@code features} (row-major {@code [labels.length, numFeatures]}).
     *
     * @throws IllegalArgumentException when the lengths disagree or a label is outside
     *     {@code [0, numClasses)}
     */
    public static Dataset of(float[] features, int numFeatures, int[] labels, int numClasses) {
        return wrap(features.clone(), numFeatures, labels.clone(), numClasses);
    }

    /** A data set over a {@code [N, D]} feature tensor (copied) and labels; classes = max label + 1. */
    public static Dataset of(Tensor features, int[] labels) {
        long[] shape = features.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("Dataset.of: features must be [N, D], got shape " + Arrays.toString(shape));
        }
        int classes = Arrays.stream(labels).max().orElse(-1) + 1;
        return wrap(features.toFloatArray(), (int) shape[1], labels.clone(), classes);
    }

    /**
     * A data set with float targets, for regression (or for a one-output binary model trained on
     * probabilities): copies of {@code features} (row-major {@code [N, numFeatures]}) and
     * {@code targets} (row-major {@code [N, numTargets]}).
     *
     * @throws IllegalArgumentException when the lengths disagree or a target is NaN or infinite
     */
    public static Dataset ofTargets(float[] features, int numFeatures, float[] targets, int numTargets) {
        return wrapTargets(features.clone(), numFeatures, targets.clone(), numTargets);
    }

    /** Like {@link #of(float[], int, int[], int)} but takes ownership of the arrays (no copy). */
    static Dataset wrap(float[] features, int numFeatures, int[] labels, int numClasses) {
        if (numFeatures <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("Dataset.of: numFeatures (" + numFeatures + ") and numClasses ("
                    + numClasses + ") must be positive");
        }
        checkRows("Dataset.of", features, numFeatures, labels.length);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("Dataset.of: label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        return new Dataset(features, labels, null, labels.length, numFeatures, numClasses, 0);
    }

    /** Like {@link #ofTargets} but takes ownership of the arrays (no copy). */
    static Dataset wrapTargets(float[] features, int numFeatures, float[] targets, int numTargets) {
        if (numFeatures <= 0 || numTargets <= 0) {
            throw new IllegalArgumentException("Dataset.ofTargets: numFeatures (" + numFeatures + ") and numTargets ("
                    + numTargets + ") must be positive");
        }
        if (targets.length % numTargets != 0) {
            throw new IllegalArgumentException("Dataset.ofTargets: " + targets.length + " target values do not make "
                    + "rows of " + numTargets + " targets");
        }
        int n = targets.length / numTargets;
        checkRows("Dataset.ofTargets", features, numFeatures, n);
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isFinite(targets[i])) {
                throw new IllegalArgumentException("Dataset.ofTargets: target " + targets[i] + " of example "
                        + i / numTargets + " is not finite");
            }
        }
        return new Dataset(features, null, targets, n, numFeatures, 0, numTargets);
    }

    private static void checkRows(String op, float[] features, int numFeatures, int rows) {
        if ((long) rows * numFeatures != features.length) {
            throw new IllegalArgumentException(op + ": " + features.length + " feature values do not make "
                    + rows + " rows of " + numFeatures + " features");
        }
    }

    /** The number of examples N. */
    public int size() {
        return size;
    }

    /** The number of features D per example. */
    public int numFeatures() {
        return numFeatures;
    }

    /** Whether the examples carry float targets ({@link #ofTargets}) rather than class labels. */
    public boolean hasFloatTargets() {
        return targets != null;
    }

    /** The number of classes (labels lie in {@code [0, numClasses)}); class labels only. */
    public int numClasses() {
        requireLabels("numClasses");
        return numClasses;
    }

    /** The number of float targets T per example; float targets only. */
    public int numTargets() {
        requireTargets("numTargets");
        return numTargets;
    }

    /** The label of example {@code i}; class labels only. */
    public int label(int i) {
        requireLabels("label");
        return labels[i];
    }

    /** A copy of all labels; class labels only. */
    public int[] labels() {
        requireLabels("labels");
        return labels.clone();
    }

    /** All float targets as a new {@code [N, T]} float32 tensor; float targets only. */
    public Tensor targets() {
        requireTargets("targets");
        return matrix(targets, size, numTargets);
    }

    /** All features as a new {@code [N, D]} float32 tensor. */
    public Tensor features() {
        return matrix(features, size, numFeatures);
    }

    /** Counts of each class, {@code [numClasses]}; class labels only. */
    public int[] classCounts() {
        requireLabels("classCounts");
        int[] counts = new int[numClasses];
        for (int y : labels) {
            counts[y]++;
        }
        return counts;
    }

    private void requireLabels(String method) {
        if (labels == null) {
            throw new IllegalStateException("Dataset." + method + ": this data set holds " + numTargets
                    + " float target(s) per example (regression), not class labels; use targets()");
        }
    }

    private void requireTargets(String method) {
        if (targets == null) {
            throw new IllegalStateException("Dataset." + method + ": this data set holds class labels ("
                    + numClasses + " classes), not float targets; use labels()");
        }
    }

    /**
     * A {@code [rows, cols]} float32 tensor holding a copy of {@code rowMajor}, one block copy
     * ({@link Transfers#upload(float[], long...)}, counted).
     */
    public static Tensor matrix(float[] rowMajor, int rows, int cols) {
        if ((long) rows * cols != rowMajor.length) {
            throw new IllegalArgumentException("Dataset.matrix: " + rowMajor.length + " values do not make [" + rows
                    + ", " + cols + "]");
        }
        return Tensor.wrap(Transfers.upload(rowMajor, rows, cols));
    }

    /** The examples {@code indices[from..to)} as one batch: one arraycopy per row, one ND4J call. */
    public Batch gather(int[] indices, int from, int to) {
        if (from < 0 || to > indices.length || from >= to) {
            throw new IllegalArgumentException("Dataset.gather: range [" + from + ", " + to + ") is empty or outside "
                    + "the " + indices.length + " indices");
        }
        int[] idx = Arrays.copyOfRange(indices, from, to);
        for (int i : idx) {
            checkIndex("Dataset.gather", i);
        }
        // rows go straight into the batch's native memory, one copy each
        Tensor x = Tensor.gatherRows(features, numFeatures, idx, 0, idx.length);
        if (targets != null) {
            return Batch.ofTargets(x, Tensor.gatherRows(targets, numTargets, idx, 0, idx.length), idx);
        }
        int[] y = new int[idx.length];
        for (int r = 0; r < idx.length; r++) {
            y[r] = labels[idx[r]];
        }
        return new Batch(x, y, idx);
    }

    /** A new data set of the examples at {@code indices}, in that order (repeats allowed). */
    public Dataset subset(int[] indices) {
        float[] x = new float[indices.length * numFeatures];
        for (int r = 0; r < indices.length; r++) {
            checkIndex("Dataset.subset", indices[r]);
            System.arraycopy(features, indices[r] * numFeatures, x, r * numFeatures, numFeatures);
        }
        if (targets != null) {
            float[] t = new float[indices.length * numTargets];
            for (int r = 0; r < indices.length; r++) {
                System.arraycopy(targets, indices[r] * numTargets, t, r * numTargets, numTargets);
            }
            return new Dataset(x, null, t, indices.length, numFeatures, 0, numTargets);
        }
        int[] y = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            y[r] = labels[indices[r]];
        }
        return new Dataset(x, y, null, indices.length, numFeatures, numClasses, 0);
    }

    private void checkIndex(String op, int i) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException(op + ": index " + i + " is outside [0, " + size + ")");
        }
    }

    /** The first {@code n} examples (all of them when {@code n >= size()}). */
    public Dataset head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Dataset.head: n must be >= 0, got " + n);
        }
        int[] idx = new int[Math.min(n, size)];
        Arrays.setAll(idx, i -> i);
        return subset(idx);
    }

    /**
     * Splits the examples at random (seeded) into a first part holding {@code round(fraction·N)}
     * examples and a second part with the rest, like scikit-learn's {@code train_test_split}.
     */
    public Split split(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("Dataset.split: fraction must be in (0, 1), got " + fraction);
        }
        int[] perm = new Rng(seed).permutation(size);
        int k = (int) Math.round(fraction * size);
        return new Split(subset(Arrays.copyOfRange(perm, 0, k)), subset(Arrays.copyOfRange(perm, k, size)));
    }

    /** The two parts of {@link #split}. */
    public record Split(Dataset first, Dataset second) {
    }

    @Override
    public String toString() {
        return "Dataset[" + size + " x " + numFeatures + ", "
                + (targets != null ? numTargets + " float targets]" : numClasses + " classes]");
    }
}
