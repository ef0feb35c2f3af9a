package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.NdArrays;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reduction op family: sums and means over everything or along one axis. Backwards
 * broadcast the output gradient back over the reduced elements. Whole-array sums stay arrays
 * ({@link Ops#sumAll}), so a loss built from them is never read into the JVM.
 */
final class ReductionOps {
    private ReductionOps() {
    }

    static Variable sum(Variable x) {
        INDArray a = x.value().array();
        Ops ops = Ops.get();
        return Variable.fromOp("sum", ops.sumAll(a), g -> new INDArray[] {ops.fill(g, a.dataType(), a.shape())}, x);
    }

    static Variable sum(Variable x, int axis, boolean keepDims) {
        INDArray a = x.value().array();
        int ax = Shapes.axis("sum", axis, a.rank());
        return Variable.fromOp("sum", a.sum(keepDims, ax), g -> new INDArray[] {expandAlong(g, a.shape(), ax)}, x);
    }

    static Variable mean(Variable x) {
        INDArray a = x.value().array();
        long n = a.length();
        Ops ops = Ops.get();
        return Variable.fromOp("mean", ops.sumAll(a).divi(n), g -> new INDArray[] {ops.fill(g, a.dataType(), a.shape()).divi(n)}, x);
    }

    static Variable mean(Variable x, int axis, boolean keepDims) {
        INDArray a = x.value().array();
        int ax = Shapes.axis("mean", axis, a.rank());
        long n = a.size(ax);
        return Variable.fromOp("mean", a.sum(keepDims, ax).divi(n), g -> new INDArray[] {expandAlong(g, a.shape(), ax).divi(n)}, x);
    }

    /** Broadcasts a gradient reduced along {@code axis} back to {@code shape}. */
    static INDArray expandAlong(INDArray g, long[] shape, int axis) {
        long[] kept = shape.clone();
        kept[axis] = 1;
        return g.reshape('c', kept).broadcast(shape);
    }

    /** The maximum ({@code largest}) or minimum along {@code axis}; the gradient goes to the first extreme element. */
    static Variable extreme(Variable x, int axis, boolean keepDims, boolean largest) {
        String op = largest ? "max" : "min";
        INDArray a = x.value().array();
        int ax = Shapes.axis(op, axis, Math.max(a.rank(), 1));
        if (a.rank() == 0) {
            return Variable.fromOp(op, a.dup(), g -> new INDArray[] {g}, x);
        }
        if (a.size(ax) == 0) {
            throw new IllegalArgumentException(op + ": dimension " + axis + " of " + Shapes.str(a.shape()) + " is empty");
        }
        INDArray index = indexOf(a, ax, largest);
        INDArray out = (largest ? a.max(keepDims, ax) : a.min(keepDims, ax));
        return Variable.fromOp(op, out, g -> new INDArray[] {oneHot(a, ax, index).muli(expandAlong(g, a.shape(), ax))}, x);
    }

    /** The position of the first maximum ({@code largest}) or minimum along {@code axis}, as INT64 (PyTorch's ties rule). */
    static Variable argExtreme(Variable x, int axis, boolean keepDims, boolean largest) {
        INDArray a = x.value().array();
        String op = largest ? "argmax" : "argmin";
        int ax = Shapes.axis(op, axis, a.rank());
        if (a.size(ax) == 0) {
            throw new IllegalArgumentException(op + ": dimension " + axis + " of " + Shapes.str(a.shape()) + " is empty");
        }
        INDArray index = indexOf(a, ax, largest).castTo(org.nd4j.linalg.api.buffer.DataType.LONG);
        if (keepDims) {
            long[] kept = a.shape().clone();
            kept[ax] = 1;
            index = index.reshape('c', kept);
        }
        return Variable.constant(io.jgrad.tensor.Tensor.wrap(index));
    }

    /** The index of the first extreme element along {@code axis}, shape without {@code axis}. */
    private static INDArray indexOf(INDArray a, int axis, boolean largest) {
        long[] reduced = new long[a.rank() - 1];
        for (int i = 0, k = 0; i < a.rank(); i++) {
            if (i != axis) {
                reduced[k++] = a.size(i);
            }
        }
        INDArray idx = NdArrays.argExtreme(a, axis, largest);
        return idx.reshape('c', reduced);
    }

    /** 1 where the position along {@code axis} equals {@code index}, else 0, in {@code a}'s shape and type. */
    private static INDArray oneHot(INDArray a, int axis, INDArray index) {
        long[] along = Shapes.along(a.rank(), axis, a.size(axis));
        INDArray positions = NdArrays.arange(a.size(axis), a.dataType()).reshape('c', along).broadcast(a.shape());
        INDArray chosen = expandAlong(index.castTo(a.dataType()), a.shape(), axis);
        return positions.eq(chosen).castTo(a.dataType());
    }
}
