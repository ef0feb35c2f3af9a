package io.jgrad.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The element types jgrad computes in: float32 for training, float64 for gradient checks, and
 * int64 for indices (class labels, token ids, {@code argmax} results), as PyTorch's
 * {@code torch.long}. Float ops refuse INT64 operands ({@link #checkFloating}).
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);     // FLOAT32, the default
 * Tensor d = x.to(DType.FLOAT64);                     // e.g. for GradCheck's finite differences
 * }</pre>
 */
public enum DType {
    FLOAT32(DataType.FLOAT),
    FLOAT64(DataType.DOUBLE),
    INT64(DataType.LONG);

    private final DataType nd4j;

    DType(DataType nd4j) {
        this.nd4j = nd4j;
    }

    /** The ND4J data type this maps to. */
    public DataType nd4j() {
        return nd4j;
    }

    /** Whether this is a floating-point type (one that arithmetic, activations and gradients accept). */
    public boolean isFloating() {
        return this != INT64;
    }

    /**
     * Fails unless {@code type} is a floating-point type: the check every float op makes of its
     * operands, so an index tensor passed by mistake names the op instead of failing deep in ND4J.
     *
     * @throws IllegalArgumentException naming {@code op} and the type
     */
    public static void checkFloating(String op, DType type) {
        if (!type.isFloating()) {
            throw new IllegalArgumentException(op + ": needs a floating-point tensor (FLOAT32 or FLOAT64), got " + type
                    + "; convert it with Tensor.to(DType.FLOAT32) if the values are meant as numbers");
        }
    }

    /** The jgrad type of an ND4J data type; anything but FLOAT, DOUBLE or LONG is rejected. */
    public static DType of(DataType type) {
        switch (type) {
            case FLOAT: return FLOAT32;
            case DOUBLE: return FLOAT64;
            case LONG: return INT64;
            default: throw new IllegalArgumentException("jgrad supports FLOAT, DOUBLE and LONG arrays, got " + type);
        }
    }
}
