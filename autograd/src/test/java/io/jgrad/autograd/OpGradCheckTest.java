package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Every op's backward against float64 central differences ({@link GradCheck}), on random inputs,
 * with the broadcasting cases binary ops must handle; and GradCheck itself catching a wrong backward.
 */
class OpGradCheckTest {

    /** Operand shapes for broadcasting binary ops: equal, one- and two-way stretching, scalars. */
    private static final long[][][] BROADCAST_PAIRS = {
        {{2, 3}, {2, 3}},
        {{2, 3}, {3}},
        {{3}, {2, 3}},
        {{2, 1}, {1, 3}},
        {{4, 1}, {3}},
        {{3}, {4, 1}},
        {{2, 3, 4}, {3, 1}},
        {{2, 3}, {}},
        {{}, {2, 3}},
        {{}, {}},
    };

    private long seed = 1;

    /** Standard normal float64 values, a fresh seed per call. */
    private Tensor normal(long... shape) {
        return Tensor.randn(new Rng(seed++), shape).to(DType.FLOAT64);
    }

    /** Values in [0.5, ∞), for log, fractional powers. */
    private Tensor positive(long... shape) {
        Tensor t = normal(shape);
        Transforms.abs(t.array(), false).addi(0.5);
        return t;
    }

    /** Values with |x| >= 0.5, for divisors. */
    private Tensor awayFromZero(long... shape) {
        Tensor t = normal(shape);
        INDArray a = t.array();
        a.addi(Transforms.sign(a, true).muli(0.5));
        return t;
    }

    private static void check(String what, Function<Variable[], Variable> fn, Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(fn, inputs);
        StringBuilder shapes = new StringBuilder();
        for (Tensor t : inputs) {
            shapes.append(Shapes.str(t.shape()));
        }
        assertTrue(r.passed(), what + " " + shapes + ": " + r.worst());
    }

    private void checkBroadcasting(String op, BinaryOperator<Variable> fn, boolean divisor) {
        for (long[][] pair : BROADCAST_PAIRS) {
            Tensor b = divisor ? awayFromZero(pair[1]) : normal(pair[1]);
            check(op, v -> fn.apply(v[0], v[1]), normal(pair[0]), b);
        }
    }

    @Test
    void add() {
        checkBroadcasting("add", Variable::add, false);
    }

    @Test
    void sub() {
        checkBroadcasting("sub", Variable::sub, false);
    }

    @Test
    void mul() {
        checkBroadcasting("mul", Variable::mul, false);
    }

    @Test
    void div() {
        checkBroadcasting("div", Variable::div, true);
    }

    @Test
    void sameVariableOnBothSides() {
        check("x*x", v -> v[0].mul(v[0]), normal(2, 3));
        check("x/x+x", v -> v[0].div(v[0]).add(v[0]), awayFromZero(3));
    }

    @Test
    void matmul() {
        check("matmul", v -> v[0].matmul(v[1]), normal(3, 4), normal(4, 5));
        check("matmul", v -> v[0].matmul(v[1]), normal(1, 3), normal(3, 1));
        check("matmul of a transpose", v -> v[0].transpose().matmul(v[1]), normal(4, 3), normal(4, 2));
    }

    @Test
    void unaryOps() {
        for (long[] shape : new long[][] {{2, 3}, {}, {5}}) {
            check("neg", v -> v[0].neg(), normal(shape));
            check("exp", v -> v[0].exp(), normal(shape));
            check("log", v -> v[0].log(), positive(shape));
            check("relu", v -> v[0].relu(), normal(shape));
            check("sigmoid", v -> v[0].sigmoid(), normal(shape));
            check("tanh", v -> v[0].tanh(), normal(shape));
        }
    }

    @Test
    void pow() {
        for (double p : new double[] {2, 3, 1, 0, -1}) {
            check("pow " + p, v -> v[0].pow(p), awayFromZero(2, 3));
        }
        for (double p : new double[] {0.5, -1.5, 2.5}) {
            check("pow " + p, v -> v[0].pow(p), positive(2, 3));
        }
    }

    @Test
    void scalarAddAndMul() {
        check("add(double)", v -> v[0].add(0.3), normal(2, 3));
        check("mul(double)", v -> v[0].mul(-1.7), normal(2, 3));
        check("mul(double) on a scalar", v -> v[0].mul(2.5).add(-1), normal());
    }

    @Test
    void reductions() {
        check("sum()", v -> v[0].sum(), normal(2, 3, 4));
        check("mean()", v -> v[0].mean(), normal(2, 3, 4));
        check("sum() of a scalar", v -> v[0].sum(), normal());
        for (int axis : new int[] {0, 1, 2, -1}) {
            for (boolean keep : new boolean[] {true, false}) {
                check("sum(" + axis + ", " + keep + ")", v -> v[0].sum(axis, keep), normal(2, 3, 4));
                check("mean(" + axis + ", " + keep + ")", v -> v[0].mean(axis, keep), normal(2, 3, 4));
            }
        }
        check("sum(0, false) of a vector", v -> v[0].sum(0, false), normal(5));
        check("mean(0, true) of a vector", v -> v[0].mean(0, true), normal(5));
    }

    @Test
    void shapeOps() {
        check("reshape", v -> v[0].reshape(4, 6), normal(2, 3, 4));
        check("reshape -1", v -> v[0].reshape(-1), normal(2, 3));
        check("reshape to scalar", v -> v[0].reshape(), normal(1, 1));
        check("transpose", v -> v[0].transpose(), normal(3, 5));
        check("transpose then broadcast", v -> v[0].transpose().mul(v[1]), normal(3, 2), normal(3));
    }

    @Test
    void softmaxFamily() {
        for (int axis : new int[] {0, 1, -1}) {
            check("softmax " + axis, v -> v[0].softmax(axis), normal(3, 4));
            check("logSoftmax " + axis, v -> v[0].logSoftmax(axis), normal(3, 4));
        }
        check("softmax rank 3", v -> v[0].softmax(1), normal(2, 3, 4));
        check("logSoftmax rank 3", v -> v[0].logSoftmax(1), normal(2, 3, 4));
        check("softmax rank 1", v -> v[0].softmax(0), normal(6));
        Tensor large = normal(2, 4);
        large.array().muli(3).addi(1000);
        check("logSoftmax near 1000", v -> v[0].logSoftmax(1), large);
    }

    @Test
    void composedGraphs() {
        check("mlp layer", v -> v[0].matmul(v[1]).add(v[2]).tanh().logSoftmax(1).mean(0, false),
                normal(3, 4), normal(4, 2), normal(2));
        check("fan-out", v -> v[0].softmax(0).mul(v[0]).sigmoid().sum(1, true), normal(3, 4));
        check("shared subexpression", v -> {
            Variable h = v[0].mul(v[1]).exp();
            return h.div(h.sum()).add(h.mean(1, true));
        }, normal(2, 3), normal(3));
    }

    /** A float64 [rows, cols] tensor laid out column-major, as a transpose is. */
    private Tensor columnMajor(long rows, long cols) {
        return Tensor.wrap(normal(cols, rows).array().transpose());
    }

    @Test
    void columnMajorInputs() {
        check("matmul", v -> v[0].matmul(v[1]), columnMajor(3, 4), columnMajor(4, 5));
        check("add broadcast", v -> v[0].add(v[1]), columnMajor(3, 4), columnMajor(1, 4));
        check("reshape", v -> v[0].reshape(12), columnMajor(3, 4));
        check("softmax", v -> v[0].softmax(1), columnMajor(3, 4));
        check("sum along an axis", v -> v[0].sum(1, false), columnMajor(3, 4));
        check("mixed layouts", v -> v[0].mul(v[1]).sub(v[0].div(v[2])), columnMajor(3, 4), normal(3, 4), awayFromZero(4));
        check("mixed-layout matmul", v -> v[0].matmul(v[1]).matmul(v[2]), normal(2, 3), columnMajor(3, 4), normal(4, 2));
    }

    @Test
    void gradCheckCatchesAWrongBackward() {
        Function<Variable[], Variable> doubledIdentity = v -> Variable.fromOp("wrong",
                v[0].value().array().dup(), g -> new INDArray[] {g.mul(2)}, v[0]);
        GradCheck.Report r = GradCheck.check(doubledIdentity, normal(2, 2));
        assertFalse(r.passed());
        assertTrue(r.maxAbsError() > 0.1, r.worst());
        assertThrows(AssertionError.class, () -> GradCheck.assertGradients(doubledIdentity, normal(2, 2)));
    }

    @Test
    void gradCheckNeedsFloat64() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(v -> v[0].exp(), Tensor.randn(new Rng(1), 2, 3)));
        assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
