package io.jgrad.nn;

import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.StepScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between ND4J arrays and Java arrays, for fused ops (the losses) whose whole forward and
 * backward is one pass over a small matrix: one copy out and one copy in beat the half-dozen
 * native calls (10-300 µs each) the same math costs in ND4J.
 */
final class Host {
    private Host() {
    }

    /** The elements of {@code a} in row-major order as doubles (no intermediate copy when already dense). */
    static double[] doubles(INDArray a) {
        return Kernels.toDoubles(a);
    }

    /** A new array of type {@code type} holding {@code data} in the given shape. */
    static INDArray array(double[] data, long[] shape, DataType type) {
        if (type == DataType.DOUBLE) {
            return Nd4j.create(data, shape, 'c');
        }
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            f[i] = (float) data[i];
        }
        return StepScope.copyOf(f, shape);        // a step temporary inside a StepScope
    }

    /** A scalar (shape {@code []}) of type {@code type}. */
    static INDArray scalar(double v, DataType type) {
        return Nd4j.scalar(type, v);
    }
}
