package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.NdArrays;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

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
        return Variable.fromOp("add", sum(a, b), g -> new INDArray[] {g, g}, x, y);
    }

    /**
     * {@code a + b}; of equal shapes and types into an array from {@link Ops#newArray} (the cache
     * on {@code cpu}), not a fresh ND4J buffer: a Transformer's residual sums are megabytes a step
     * each, whose fresh pages cost W7 ~4% of its samples in allocation and page faults.
     */
    private static INDArray sum(INDArray a, INDArray b) {
        if (a.dataType() == b.dataType() && Arrays.equals(a.shape(), b.shape())) {
            return a.add(b, Ops.get().newArray(a.dataType(), a.shape()));
        }
        return a.add(b);
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
        return Double.isFinite(s) ? x.add(s) : x.add(NdArrays.scalar(x.dataType(), s));
    }

    private static INDArray timesScalar(INDArray x, double s) {
        return Double.isFinite(s) ? x.mul(s) : x.mul(NdArrays.scalar(x.dataType(), s));
    }

    // ---------------------------------------------------------------- unary

    static Variable neg(Variable x) {
        return Variable.fromOp("neg", x.value().array().neg(), g -> new INDArray[] {g.neg()}, x);
    }

    static Variable exp(Variable x) {
        INDArray out = NdArrays.exp(x.value().array());
        return Variable.fromOp("exp", out, g -> new INDArray[] {g.mul(out)}, x);
    }

    static Variable log(Variable x) {
        INDArray a = x.value().array();
        return Variable.fromOp("log", NdArrays.log(a), g -> new INDArray[] {g.div(a)}, x);
    }

    static Variable pow(Variable x, double p) {
        INDArray a = x.value().array();
        return Variable.fromOp("pow", NdArrays.pow(a, p), g -> new INDArray[] {
            p == 0 ? NdArrays.zeros(a.dataType(), a.shape()) : NdArrays.pow(a, p - 1).muli(g).muli(p)}, x);
    }

    static Variable abs(Variable x) {
        INDArray a = x.value().array();
        return Variable.fromOp("abs", NdArrays.abs(a), g -> new INDArray[] {NdArrays.sign(a).muli(g)}, x);
    }

    static Variable sqrt(Variable x) {
        INDArray out = NdArrays.sqrt(x.value().array());
        return Variable.fromOp("sqrt", out, g -> new INDArray[] {g.div(out).divi(2)}, x);
    }

    static Variable sin(Variable x) {
        INDArray a = x.value().array();
        return Variable.fromOp("sin", NdArrays.sin(a), g -> new INDArray[] {NdArrays.cos(a).muli(g)}, x);
    }

    static Variable cos(Variable x) {
        INDArray a = x.value().array();
        return Variable.fromOp("cos", NdArrays.cos(a), g -> new INDArray[] {NdArrays.sin(a).negi().muli(g)}, x);
    }

    /** Clamps into {@code [min, max]}; the gradient passes where {@code min <= x <= max}, as PyTorch's. */
    static Variable clamp(Variable x, double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: needs min <= max, got min=" + min + ", max=" + max);
        }
        INDArray a = x.value().array();
        INDArray out = NdArrays.minInPlace(NdArrays.maxInPlace(a.dup(), min), max);
        return Variable.fromOp("clamp", out, g -> {
            INDArray inside = a.gte(min).castTo(a.dataType()).muli(a.lte(max).castTo(a.dataType()));
            return new INDArray[] {inside.muli(g)};
        }, x);
    }

    // ---------------------------------------------------------------- comparisons (masks, no gradient)

    /** The comparisons PyTorch writes {@code >, >=, <, <=, ==}, as 1/0 masks of the operands' type. */
    enum Comparison { GT, GE, LT, LE, EQ }

    static Variable compare(Comparison c, Variable x, Variable y) {
        String op = c.name().toLowerCase(java.util.Locale.ROOT);
        int rank = broadcastRank(op, x, y);
        long[] shape = Broadcast.shape(op, x.shape(), y.shape());
        INDArray a = withRank(x.value().array(), rank).broadcast(shape);
        INDArray b = withRank(y.value().array(), rank).broadcast(shape);
        INDArray mask = switch (c) {
            case GT -> a.gt(b);
            case GE -> pairwise("greater_equal", a, b);
            case LT -> a.lt(b);
            case LE -> pairwise("less_equal", a, b);
            case EQ -> a.eq(b);
        };
        return Variable.constant(io.jgrad.tensor.Tensor.wrap(mask.castTo(a.dataType())));
    }

    /** A libnd4j comparison op over two arrays of one shape, giving a boolean array. */
    private static INDArray pairwise(String name, INDArray a, INDArray b) {
        return NdArrays.compare(name, a, b);
    }

    // ---------------------------------------------------------------- helpers

    /** The rank of {@code x op y}, after checking that the two broadcast and share a type. */
    static int broadcastRank(String op, Variable x, Variable y) {
        checkSameType(op, x, y);
        return Broadcast.shape(op, x.shape(), y.shape()).length;
    }

    /** {@code a} with leading 1s up to {@code rank} ({@link Broadcast#withRank}). */
    static INDArray withRank(INDArray a, int rank) {
        return Broadcast.withRank(a, rank);
    }

    static void checkSameType(String op, Variable x, Variable y) {
        if (x.value().dtype() != y.value().dtype()) {
            throw new IllegalArgumentException(op + ": element types differ, " + x.value().dtype() + Shapes.str(x.shape())
                    + " vs " + y.value().dtype() + Shapes.str(y.shape()));
        }
    }
}
