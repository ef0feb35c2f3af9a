package io.jgrad.data;

import io.jgrad.tensor.Tensor;

/**
 * One mini-batch: features {@code [B, D]} (or {@code [B, ...]}, float32 or INT64 token ids), the
 * examples' class labels, float targets {@code [B, T]} or INT64 class-index targets
 * {@code [B, ...]} (whichever its {@link Dataset} holds), and the indices of the examples in
 * their data set (so per-example caches, such as a teacher's logits, can be looked up).
 */
public record Batch(Tensor features, int[] labels, Tensor targets, int[] indices) {
    /** A batch of class labels. */
    public Batch(Tensor features, int[] labels, int[] indices) {
        this(features, labels, null, indices);
    }

    /** A batch of float targets {@code [B, T]}, or of INT64 class-index targets {@code [B, ...]}. */
    public static Batch ofTargets(Tensor features, Tensor targets, int[] indices) {
        return new Batch(features, null, targets, indices);
    }

    /** Whether the batch carries float targets rather than class labels. */
    public boolean hasFloatTargets() {
        return targets != null && targets.dtype().isFloating();
    }

    /** Whether the batch carries INT64 class-index targets {@code [B, ...]} (e.g. one per token). */
    public boolean hasIndexTargets() {
        return targets != null && !targets.dtype().isFloating();
    }

    /** The class labels; a batch of float targets has none. */
    @Override
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("Batch.labels: this batch holds " + targets.dtype() + " targets "
                    + java.util.Arrays.toString(targets.shape()) + ", not class labels; use targets()");
        }
        return labels;
    }

    /** The float targets {@code [B, T]} or INT64 targets {@code [B, ...]}; a batch of class labels has none. */
    @Override
    public Tensor targets() {
        if (targets == null) {
            throw new IllegalStateException("Batch.targets: this batch holds class labels, not float targets; use labels()");
        }
        return targets;
    }

    /** The number of examples B. */
    public int size() {
        return labels != null ? labels.length : (int) targets.shape()[0];
    }
}
