package io.jgrad.onnx;

import io.jgrad.tensor.Tensor;

/**
 * A value of the graph being built: its ONNX name and what it holds for the example input
 * (jgrad's eval-mode activation), whose shape the next module's exporter reads.
 */
public record Value(String name, Tensor example) {
    /** The example's shape; dimension 0 is the dynamic batch dimension. */
    public long[] shape() {
        return example.shape();
    }

    /** The example's rank. */
    public int rank() {
        return example.rank();
    }
}
