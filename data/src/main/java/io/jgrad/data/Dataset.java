package io.jgrad.data;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Transfers;
import java.util.Arrays;

/**
 * A data set held in memory: {@code N} examples of {@code D} float features (row-major, one
 * flat {@code float[]}) and, per example, either one class index in {@code [0, numClasses)}
 * (classification, {@link #of}) or {@code T} float targets (regression, or probabilities for a
 * one-output binary model, {@link #ofTargets}); or, for sequence models, examples of any shape
 * (float features or INT64 token ids, e.g. {@code [T]}) with INT64 class-index targets of any
 * shape (one per token, e.g. {@code [T]}), {@link #of(Tensor, Tensor, int)}.
 *
 * <p>The features stay a plain Java array on purpose: gathering a mini-batch is then one
 * {@link System#arraycopy} per row and one ND4J call per batch (see {@link #gather}), instead of
 * one native call per row. A Dataset is immutable; {@link #subset} and {@link #split} copy.
 *
 * <pre>{@code
 * Dataset d = Dataset.of(new float[] {0, 1, 1, 0, 1, 1}, 2, new int[] {0, 1, 2}, 3);   // 3 rows of 2 features
 * Dataset.Split s = d.split(0.8, 42);   // seeded, shuffled
 * }</pre>
 */
public final class Dataset {
    private final float[] features;
    private final int[] labels;        // class labels, or null when the targets are floats
    private final float[] targets;     // float targets [N, numTargets], or null for class labels
    private final int size;
    private final int numFeatures;
    private final int numClasses;      // 0 with float targets
    private final int numTargets;      // 0 with class labels
    private final Indexed indexed;     // INT64 targets (and maybe INT64 inputs), or null

    /**
     * The columns of a data set with INT64 class-index targets: each example's input shape and
     * target shape, the targets row-major {@code [N, targetShape...]}, and the inputs as token ids
     * ({@code inputIds}, row-major {@code [N, inputShape...]}) or, when null, as the float features.
     */
    private record Indexed(long[] inputIds, long[] inputShape, long[] targetIds, long[] targetShape) {
    }

    private Dataset(float[] features, int[] labels, float[] targets, int size, int numFeatures, int numClasses,
                    int numTargets) {
        this(features, labels, targets, size, numFeatures, numClasses, numTargets, null);
    }

    private Dataset(float[] features, int[] labels, float[] targets, int size, int numFeatures, int numClasses,
                    int numTargets, Indexed indexed) {
        this.indexed = indexed;
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

    /** The target value that marks a position to ignore, PyTorch's default {@code ignore_index}. */
    public static final long IGNORE_INDEX = -100;

    /**
     * A data set for sequence models: {@code inputs [N, ...]} (FLOAT32 features, or INT64 token
     * ids) and INT64 class-index {@code targets [N, ...]} (e.g. inputs {@code [N, T]} of token ids
     * and targets {@code [N, T]} of next tokens), both copied. A target is a class in
     * {@code [0, numClasses)} or {@link #IGNORE_INDEX} (a position the loss and the accuracy skip).
     *
     * @throws IllegalArgumentException for other types, differing example counts, or a target
     *         outside that range (naming it and its position)
     */
    public static Dataset of(Tensor inputs, Tensor targets, int numClasses) {
        String op = "Dataset.of";
        if (inputs == null || targets == null) {
            throw new IllegalArgumentException(op + ": " + (inputs == null ? "inputs" : "targets") + " is null");
        }
        if (targets.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": targets must be INT64 class indices, got " + targets.dtype()
                    + "; use Dataset.ofTargets for float targets");
        }
        if (inputs.dtype() == DType.FLOAT64) {
            throw new IllegalArgumentException(op + ": inputs must be FLOAT32 or INT64, got FLOAT64");
        }
        long[] xs = inputs.shape();
        long[] ts = targets.shape();
        if (xs.length == 0 || ts.length == 0 || xs[0] != ts[0]) {
            throw new IllegalArgumentException(op + ": inputs " + Arrays.toString(xs) + " and targets "
                    + Arrays.toString(ts) + " must both be [N, ...] with the same N");
        }
        return wrapIndexed(inputs.dtype() == DType.INT64 ? inputs.toLongArray() : null,
                inputs.dtype() == DType.INT64 ? null : inputs.toFloatArray(), Arrays.copyOfRange(xs, 1, xs.length),
                targets.toLongArray(), Arrays.copyOfRange(ts, 1, ts.length), numClasses);
    }

    /**
     * Like {@link #of(Tensor, Tensor, int)} over arrays it takes ownership of: the inputs as
     * token ids ({@code inputIds}) or floats ({@code floats}), one of them null.
     */
    static Dataset wrapIndexed(long[] inputIds, float[] floats, long[] inputShape, long[] targetIds,
                               long[] targetShape, int numClasses) {
        String op = "Dataset.of";
        if (numClasses <= 0) {
            throw new IllegalArgumentException(op + ": numClasses must be positive, got " + numClasses);
        }
        long perTarget = size(targetShape);
        int n = perTarget == 0 ? 0 : (int) (targetIds.length / perTarget);
        long perInput = size(inputShape);
        long inputs = inputIds != null ? inputIds.length : floats.length;
        if (perInput == 0 || perTarget == 0 || inputs != n * perInput || targetIds.length != n * perTarget) {
            throw new IllegalArgumentException(op + ": " + inputs + " input values of shape " + Arrays.toString(inputShape)
                    + " and " + targetIds.length + " targets of shape " + Arrays.toString(targetShape)
                    + " do not make the same number of non-empty examples");
        }
        for (int i = 0; i < targetIds.length; i++) {
            long t = targetIds[i];
            if (t != IGNORE_INDEX && (t < 0 || t >= numClasses)) {
                throw new IllegalArgumentException(op + ": target " + t + " at position " + i / perTarget + ", "
                        + i % perTarget + " (example, element) is outside [0, " + numClasses + ") and is not "
                        + IGNORE_INDEX + " (ignored)");
            }
        }
        Indexed ix = new Indexed(inputIds, inputShape.clone(), targetIds, targetShape.clone());
        return new Dataset(floats, null, null, n, (int) perInput, numClasses, 0, ix);
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
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

    /** Whether the examples carry INT64 class-index targets of some shape ({@link #of(Tensor, Tensor, int)}). */
    public boolean hasIndexTargets() {
        return indexed != null;
    }

    /** The shape of one example's input: {@code [D]}, or e.g. {@code [T]} for token windows. */
    public long[] inputShape() {
        return indexed != null ? indexed.inputShape().clone() : new long[] {numFeatures};
    }

    /**
     * The shape of one example's target: {@code []} for one class label, {@code [T]} for float
     * targets, or the shape given to {@link #of(Tensor, Tensor, int)} (e.g. {@code [T]} per token).
     */
    public long[] targetShape() {
        if (indexed != null) {
            return indexed.targetShape().clone();
        }
        return targets != null ? new long[] {numTargets} : new long[0];
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

    /**
     * All targets as a new tensor: float targets {@code [N, T]} (float32), or INT64 class-index
     * targets {@code [N, targetShape...]}; not for plain class labels ({@link #labels()}).
     */
    public Tensor targets() {
        if (indexed != null) {
            return Tensor.ofLongs(indexed.targetIds(), batchShape(size, indexed.targetShape()));
        }
        requireTargets("targets");
        return matrix(targets, size, numTargets);
    }

    /** All inputs as a new tensor: float32 {@code [N, D]} (or {@code [N, inputShape...]}), or INT64 token ids. */
    public Tensor features() {
        if (indexed != null && indexed.inputIds() != null) {
            return Tensor.ofLongs(indexed.inputIds(), batchShape(size, indexed.inputShape()));
        }
        Tensor x = matrix(features, size, numFeatures);
        return indexed == null ? x : Tensor.wrap(x.array().reshape('c', batchShape(size, indexed.inputShape())));
    }

    private static long[] batchShape(int n, long[] example) {
        long[] shape = new long[example.length + 1];
        shape[0] = n;
        System.arraycopy(example, 0, shape, 1, example.length);
        return shape;
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
        if (indexed != null && !"numClasses".equals(method)) {
            throw new IllegalStateException("Dataset." + method + ": this data set holds INT64 targets of shape "
                    + Arrays.toString(indexed.targetShape()) + " per example, not one label each; use targets()");
        }
        if (labels == null && indexed == null) {
            throw new IllegalStateException("Dataset." + method + ": this data set holds " + numTargets
                    + " float target(s) per example (regression), not class labels; use targets()");
        }
    }

    private void requireTargets(String method) {
        if (targets == null && indexed != null) {
            throw new IllegalStateException("Dataset." + method + ": this data set holds INT64 class-index targets "
                    + "(" + numClasses + " classes), not float targets");
        }
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
        checkIndices("Dataset.gather", idx);
        if (indexed != null) {
            return gatherIndexed(idx);
        }
        // rows go straight into the batch's native memory, one copy each
        Tensor x = Tensor.gatherRows(features, numFeatures, idx, 0, idx.length);
        if (targets != null) {
            return Batch.ofTargets(x, Tensor.gatherRows(targets, numTargets, idx, 0, idx.length), idx);
        }
        return new Batch(x, labelsOf(idx), idx);
    }

    /**
     * The labels of examples {@code idx}. This loop and {@link #checkIndices}' live apart from
     * {@link #gather}'s ND4J calls so that the JIT's compiles of either stay small (a loop beside
     * them made W3's first blocks wait ~0.4 s on compiles of {@code gather} that inlined ND4J's
     * array creation; bench/README.md, "First blocks and the JIT").
     */
    private int[] labelsOf(int[] idx) {
        int[] y = new int[idx.length];
        for (int r = 0; r < idx.length; r++) {
            y[r] = labels[idx[r]];
        }
        return y;
    }

    private void checkIndices(String op, int[] idx) {
        for (int i : idx) {
            checkIndex(op, i);
        }
    }

    /** A batch of a data set with INT64 targets: token ids or float rows, targets one copy per example. */
    private Batch gatherIndexed(int[] idx) {
        long[] inShape = batchShape(idx.length, indexed.inputShape());
        Tensor x;
        if (indexed.inputIds() != null) {
            x = Tensor.ofLongs(rows(indexed.inputIds(), numFeatures, idx), inShape);
        } else {
            Tensor flat = Tensor.gatherRows(features, numFeatures, idx, 0, idx.length);
            x = inShape.length == 2 ? flat : Tensor.wrap(flat.array().reshape('c', inShape));
        }
        int perTarget = (int) size(indexed.targetShape());
        Tensor y = Tensor.ofLongs(rows(indexed.targetIds(), perTarget, idx), batchShape(idx.length, indexed.targetShape()));
        return Batch.ofTargets(x, y, idx);
    }

    /** The rows {@code idx} of a row-major {@code [*, width]} array, one copy each. */
    private static long[] rows(long[] source, int width, int[] idx) {
        long[] out = new long[idx.length * width];
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(source, idx[r] * width, out, r * width, width);
        }
        return out;
    }

    /** A new data set of the examples at {@code indices}, in that order (repeats allowed). */
    public Dataset subset(int[] indices) {
        if (indexed != null) {
            for (int i : indices) {
                checkIndex("Dataset.subset", i);
            }
            long[] ids = indexed.inputIds() == null ? null : rows(indexed.inputIds(), numFeatures, indices);
            float[] x = null;
            if (ids == null) {
                x = new float[indices.length * numFeatures];
                for (int r = 0; r < indices.length; r++) {
                    System.arraycopy(features, indices[r] * numFeatures, x, r * numFeatures, numFeatures);
                }
            }
            long[] t = rows(indexed.targetIds(), (int) size(indexed.targetShape()), indices);
            return new Dataset(x, null, null, indices.length, numFeatures, numClasses, 0,
                    new Indexed(ids, indexed.inputShape(), t, indexed.targetShape()));
        }
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
        if (indexed != null) {
            return "Dataset[" + size + " x " + (indexed.inputIds() != null ? "INT64" : "FLOAT32")
                    + Arrays.toString(indexed.inputShape()) + " -> INT64" + Arrays.toString(indexed.targetShape())
                    + ", " + numClasses + " classes]";
        }
        return "Dataset[" + size + " x " + numFeatures + ", "
                + (targets != null ? numTargets + " float targets]" : numClasses + " classes]");
    }
}
