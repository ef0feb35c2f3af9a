package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shape op family: the same elements in another arrangement. Backwards apply the inverse
 * rearrangement to the gradient.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static Variable reshape(Variable x, long... shape) {
        INDArray a = x.value().array();
        long[] target = Shapes.inferReshape("reshape", a.shape(), shape);
        long[] from = a.shape();
        return Variable.fromOp("reshape", a.reshape('c', target), g -> new INDArray[] {g.reshape('c', from)}, x);
    }

    static Variable transpose(Variable x) {
        INDArray a = x.value().array();
        if (a.rank() != 2) {
            throw new IllegalArgumentException("transpose: needs a 2-d Variable, got shape " + Shapes.str(a.shape()));
        }
        return Variable.fromOp("transpose", a.transpose().dup('c'), g -> new INDArray[] {g.transpose().dup('c')}, x);
    }
}
