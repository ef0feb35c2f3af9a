package io.jgrad.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Arithmetic on plain {@link Tensor}s, with no graph: NumPy broadcasting, a new Tensor as the
 * result, operands unchanged, errors naming the op and both shapes. For the work around a model
 * (metrics, preprocessing, hand-written updates) where a Variable would only add bookkeeping.
 */
final class TensorMath {
    /** The binary operations of {@link Tensor}. */
    enum Op { ADD, SUB, MUL, DIV }

    private TensorMath() {
    }

    static Tensor apply(Op op, Tensor x, Tensor y) {
        String name = "Tensor." + op.name().toLowerCase(java.util.Locale.ROOT);
        DType.checkFloating(name, x.dtype());
        if (x.dtype() != y.dtype()) {
            throw new IllegalArgumentException(name + ": element types differ, " + x.dtype() + Shapes.str(x.shape())
                    + " vs " + y.dtype() + Shapes.str(y.shape()));
        }
        long[] shape = Broadcast.shape(name, x.shape(), y.shape());
        INDArray a = Broadcast.withRank(x.array(), shape.length);
        INDArray b = Broadcast.withRank(y.array(), shape.length);
        INDArray out = switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
        };
        return Tensor.wrap(out);
    }

    /** {@code x + s} or {@code x · s}; non-finite constants go through a rank-0 array (ND4J's scalar ops mishandle them). */
    static Tensor scalar(Op op, Tensor x, double s) {
        DType.checkFloating("Tensor." + op.name().toLowerCase(java.util.Locale.ROOT), x.dtype());
        INDArray a = x.array();
        if (!Double.isFinite(s)) {
            return apply(op, x, Tensor.wrap(Nd4j.scalar(a.dataType(), s)));
        }
        return Tensor.wrap(op == Op.ADD ? a.add(s) : a.mul(s));
    }
}
