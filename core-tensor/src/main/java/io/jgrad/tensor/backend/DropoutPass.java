package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One inverted-dropout forward as a backend computed it ({@link Ops#dropout}): its output and the
 * mask its backward multiplies by, kept where the backend keeps it (bits on the heap on
 * {@code cpu}, an ND4J array on {@code nd4j}).
 */
public interface DropoutPass {
    /** {@code x·mask}, a new array of x's shape. */
    INDArray output();

    /** {@code g·mask}, a new array. */
    INDArray backward(INDArray g);
}
