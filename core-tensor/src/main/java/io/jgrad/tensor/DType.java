package io.jgrad.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The element types jgrad computes in: float32 for training, float64 for gradient checks.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);     // FLOAT32, the default
 * Tensor d = x.to(DType.FLOAT64);                     // e.g. for GradCheck's finite differences
 * }</pre>
 */
public enum DType {
    FLOAT32(DataType.FLOAT),
    FLOAT64(DataType.DOUBLE);

    private final DataType nd4j;

    DType(DataType nd4j) {
        this.nd4j = nd4j;
    }

    /** The ND4J data type this maps to. */
    public DataType nd4j() {
        return nd4j;
    }

    /** The jgrad type of an ND4J data type; anything but FLOAT or DOUBLE is rejected. */
    public static DType of(DataType type) {
        switch (type) {
            case FLOAT: return FLOAT32;
            case DOUBLE: return FLOAT64;
            default: throw new IllegalArgumentException("jgrad supports FLOAT and DOUBLE arrays, got " + type);
        }
    }
}
