package io.jgrad.nn;

import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.Ops;
import io.jgrad.tensor.backend.Transfers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Transfers between ND4J arrays and Java arrays, through the backend's {@link Ops}, for fused ops
 * (the losses, penalties, dropout masks) whose whole forward and backward is one pass over a
 * small array: one copy out and one copy in beat the half-dozen native calls (10-300 µs each)
 * the same math costs in ND4J.
 */
final class Host {
    private Host() {
    }

    /** The elements of {@code a} in row-major order as doubles. */
    static double[] doubles(INDArray a) {
        return Ops.get().toDoubles(a);
    }

    /** A new array of type {@code type} holding {@code data} in the given shape (a step temporary for float32). */
    static INDArray array(double[] data, long[] shape, DataType type) {
        if (type == DataType.DOUBLE) {
            return Transfers.upload(data, shape);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            f[i] = (float) data[i];
        }
        Ops ops = Ops.get();
        INDArray a = ops.newArray(DataType.FLOAT, shape);
        ops.write(f, a);
        return a;
    }

    /** Overwrites {@code dst} with {@code data} (row-major), in place: a bulk copy when it is dense float32. */
    static void write(double[] data, INDArray dst) {
        if (!Dense.float32(dst)) {
            dst.assign(Transfers.upload(data, dst.shape()));
            return;
        }
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            f[i] = (float) data[i];
        }
        Ops.get().write(f, dst);
    }

    /** A scalar (shape {@code []}) of type {@code type}. */
    static INDArray scalar(double v, DataType type) {
        return Transfers.uploadScalar(type, v);
    }
}
