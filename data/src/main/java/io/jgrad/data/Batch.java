package io.jgrad.data;

import io.jgrad.tensor.Tensor;

/**
 * One mini-batch: features {@code [B, D]}, the examples' class labels or float targets
 * {@code [B, T]} (whichever its {@link Dataset} holds), and the indices of the examples in their
 * data set (so per-example caches, such as a teacher's logits, can be looked up).
 */
public record Batch(Tensor features, int[] labels, Tensor targets, int[] indices) {
    /** A batch of class labels. */
    public Batch(Tensor features, int[] labels, int[] indices) {
        this(features, labels, null, indices);
    }

    /** A batch of float targets {@code [B, T]}. */
    public static Batch ofTargets(Tensor features, Tensor targets, int[] indices) {
        return new Batch(features, null, targets, indices);
    }

    /** Whether the batch carries float targets rather than class labels. */
    public boolean hasFloatTargets() {
        return targets != null;
    }

    /** The class labels; a batch of float targets has none. */
    @Override
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("Batch.labels: this batch holds float targets "
                    + java.util.Arrays.toString(targets.shape()) + ", not class labels; use targets()");
        }
        return labels;
    }

    /** The float targets {@code [B, T]}; a batch of class labels has none. */
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
