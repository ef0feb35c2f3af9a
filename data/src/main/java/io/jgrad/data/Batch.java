package io.jgrad.data;

import io.jgrad.tensor.Tensor;

/**
 * One mini-batch: features {@code [B, D]}, their labels and the indices of the examples in
 * their data set (so per-example caches, such as a teacher's logits, can be looked up).
 */
public record Batch(Tensor features, int[] labels, int[] indices) {
    /** The number of examples B. */
    public int size() {
        return labels.length;
    }
}
