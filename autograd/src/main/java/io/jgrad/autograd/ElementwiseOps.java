package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The elementwise op family: arithmetic with NumPy broadcasting, scalar arithmetic and the
 * unary math functions. Each forward sits beside its backward, as {@link Variable#fromOp}
 * records them.
 */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    // ---------------------------------------------------------------- binary, broadcasting

    static Variable add(Variable x, Variable y) {
        int rank = broadcastRank("add", x, y);
        INDArray a = withRank(x.value().array(), rank);
        INDArray b = withRank(y.value().array(), rank);
        return Variable.fromOp("add", a.add(b), g -> new INDArray[] {g, g}, x, y);
    }

    static Variable sub(Variable x, Variable y) {
        int rank = broadcastRank("sub", x, y);
        INDArray a = withRank(x.value().array(), rank);
        INDArray b = withRank(y.value().array(), rank);
        return Variable.fromOp("sub", a.sub(b), g -> new INDArray[] {g, y.requiresGrad() ? g.neg() : null}, x, y);
    }

    static Variable mul(Variable x, Variable y) {
        int rank = broadcastRank("mul", x, y);
        INDArray a = withRank(x.value().array(), rank);
        INDArray b = withRank(y.value().array(), rank);
        return Variable.fromOp("mul", a.mul(b), g -> new INDArray[] {
            x.requiresGrad() ? g.mul(b) : null,
            y.requiresGrad() ? g.mul(a) : null}, x, y);
    }

    static Variable div(Variable x, Variable y) {
        int rank = broadcastRank("div", x, y);
        INDArray a = withRank(x.value().array(), rank);
        INDArray b = withRank(y.value().array(), rank);
        INDArray out = a.div(b);
        return Variable.fromOp("div", out, g -> new INDArray[] {
            x.requiresGrad() ? g.div(b) : null,
            y.requiresGrad() ? g.mul(out).divi(b).negi() : null}, x, y);
    }

    // ---------------------------------------------------------------- with a constant scalar

    static Variable add(Variable x, double s) {
        return Variable.fromOp("add", plusScalar(x.value().array(), s), g -> new INDArray[] {g}, x);
    }

    static Variable mul(Variable x, double s) {
        return Variable.fromOp("mul", timesScalar(x.value().array(), s), g -> new INDArray[] {timesScalar(g, s)}, x);
    }

    // ND4J's scalar ops mishandle non-finite constants (x.mul(NaN) gives 1e-5·x, x.add(NaN)
    // gives x), so those go through a rank-0 array, which broadcasts correctly.

    private static INDArray plusScalar(INDArray x, double s) {
        return Double.isFinite(s) ? x.add(s) : x.add(Nd4j.scalar(x.dataType(), s));
    }

    private static INDArray timesScalar(INDArray x, double s) {
        return Double.isFinite(s) ? x.mul(s) : x.mul(Nd4j.scalar(x.dataType(), s));
    }

    // ---------------------------------------------------------------- unary

    static Variable neg(Variable x) {
        return Variable.fromOp("neg", x.value().array().neg(), g -> new INDArray[] {g.neg()}, x);
    }

    static Variable exp(Variable x) {
        INDArray out = Transforms.exp(x.value().array(), true);
        return Variable.fromOp("exp", out, g -> new INDArray[] {g.mul(out)}, x);
    }

    static Variable log(Variable x) {
        INDArray a = x.value().array();
        return Variable.fromOp("log", Transforms.log(a, true), g -> new INDArray[] {g.div(a)}, x);
    }

    static Variable pow(Variable x, double p) {
        INDArray a = x.value().array();
        return Variable.fromOp("pow", Transforms.pow(a, p, true), g -> new INDArray[] {
            p == 0 ? Nd4j.zerosLike(a) : Transforms.pow(a, p - 1, true).muli(g).muli(p)}, x);
    }

    // ---------------------------------------------------------------- helpers

    /** The rank of {@code x op y}, after checking that the two broadcast and share a type. */
    static int broadcastRank(String op, Variable x, Variable y) {
        checkSameType(op, x, y);
        return Broadcast.shape(op, x.shape(), y.shape()).length;
    }

    /**
     * {@code a} viewed with leading 1s up to {@code rank}. ND4J sizes some mixed-rank results
     * wrongly (e.g. {@code [4,1] + [3]} fails), but broadcasts operands of equal rank correctly.
     */
    static INDArray withRank(INDArray a, int rank) {
        if (a.rank() == rank) {
            return a;
        }
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        System.arraycopy(a.shape(), 0, shape, rank - a.rank(), a.rank());
        return a.reshape('c', shape);
    }

    static void checkSameType(String op, Variable x, Variable y) {
        if (x.value().dtype() != y.value().dtype()) {
            throw new IllegalArgumentException(op + ": element types differ, " + x.value().dtype() + Shapes.str(x.shape())
                    + " vs " + y.value().dtype() + Shapes.str(y.shape()));
        }
    }
}
