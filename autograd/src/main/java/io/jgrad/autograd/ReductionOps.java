package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reduction op family: sums and means over everything or along one axis. Backwards
 * broadcast the output gradient back over the reduced elements.
 */
final class ReductionOps {
    private ReductionOps() {
    }

    static Variable sum(Variable x) {
        INDArray a = x.value().array();
        INDArray out = Nd4j.scalar(a.dataType(), total(a));
        return Variable.fromOp("sum", out, g -> new INDArray[] {Nd4j.valueArrayOf(a.shape(), g.getDouble(0), a.dataType())}, x);
    }

    static Variable sum(Variable x, int axis, boolean keepDims) {
        INDArray a = x.value().array();
        int ax = Shapes.axis("sum", axis, a.rank());
        return Variable.fromOp("sum", a.sum(keepDims, ax), g -> new INDArray[] {expandAlong(g, a.shape(), ax)}, x);
    }

    static Variable mean(Variable x) {
        INDArray a = x.value().array();
        long n = a.length();
        INDArray out = Nd4j.scalar(a.dataType(), total(a) / n);
        return Variable.fromOp("mean", out, g -> new INDArray[] {Nd4j.valueArrayOf(a.shape(), g.getDouble(0) / n, a.dataType())}, x);
    }

    static Variable mean(Variable x, int axis, boolean keepDims) {
        INDArray a = x.value().array();
        int ax = Shapes.axis("mean", axis, a.rank());
        long n = a.size(ax);
        return Variable.fromOp("mean", a.sum(keepDims, ax).divi(n), g -> new INDArray[] {expandAlong(g, a.shape(), ax).divi(n)}, x);
    }

    /** The sum of all elements; 0 for an empty array, as in PyTorch (ND4J throws there). */
    private static double total(INDArray a) {
        return a.isEmpty() ? 0.0 : a.sumNumber().doubleValue();
    }

    /** Broadcasts a gradient reduced along {@code axis} back to {@code shape}. */
    static INDArray expandAlong(INDArray g, long[] shape, int axis) {
        long[] kept = shape.clone();
        kept[axis] = 1;
        return g.reshape('c', kept).broadcast(shape);
    }
}
