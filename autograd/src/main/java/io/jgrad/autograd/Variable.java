package io.jgrad.autograd;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.Ones;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A node of the reverse-mode graph: a {@link Tensor} value, and for results of ops the op that
 * made it and how to send a gradient back through it.
 *
 * <p>Every op below computes its value with ND4J and, right next to it, the {@link GradFn}
 * that back-propagates it, in the style of micrograd. A graph is recorded only when some input
 * requires a gradient and the thread is not inside {@link #noGrad()}. {@link #backward()} runs
 * the {@link Backprop} engine; gradients accumulate into {@link #grad()} of the leaves.
 *
 * <p>Values are never modified by ops; optimizers update leaf values in place.
 */
public class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private final String op;
    private Tensor grad;
    // zeroGrad() only marks the buffer: the next accumulation overwrites it, grad() zero-fills it
    private boolean gradZeroPending;

    // Graph edges of an op result; cleared when backward releases the graph.
    Variable[] inputs;
    GradFn gradFn;
    boolean released;

    // Scratch space of one backward pass.
    INDArray pending;
    boolean pendingOwned;

    /** A leaf. Subclasses such as {@code Parameter} call this. */
    protected Variable(Tensor value, boolean requiresGrad) {
        this(value, requiresGrad, "leaf", null, null);
    }

    private Variable(Tensor value, boolean requiresGrad, String op, Variable[] inputs, GradFn gradFn) {
        if (value == null) {
            throw new IllegalArgumentException("Variable: value is null");
        }
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.op = op;
        this.inputs = inputs;
        this.gradFn = gradFn;
    }

    /** A leaf holding {@code value}; with {@code requiresGrad} its gradient is accumulated by backward. */
    public static Variable of(Tensor value, boolean requiresGrad) {
        return new Variable(value, requiresGrad);
    }

    /** A leaf that never receives a gradient (inputs, targets). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false);
    }

    /** Enters a scope in which no graph is recorded; close it with try-with-resources. */
    public static NoGrad noGrad() {
        return new NoGrad();
    }

    /** Whether ops on the calling thread currently record a graph. */
    public static boolean isGradEnabled() {
        return GradMode.isRecording();
    }

    /**
     * Records the result of a custom op. This is the extension point other modules (fused
     * losses, layers) use: compute {@code value} from the inputs' values, and give the
     * {@link GradFn} that maps the output gradient to the inputs' gradients. When no input
     * requires a gradient, or inside {@link #noGrad()}, nothing is recorded and {@code gradFn}
     * is never called.
     */
    public static Variable fromOp(String op, INDArray value, GradFn gradFn, Variable... inputs) {
        Tensor out = Tensor.wrap(value);
        if (GradMode.anomalyDetection()) {
            Backprop.checkFinite(op, "forward", value, inputs);
        }
        boolean needs = false;
        if (GradMode.isRecording()) {
            for (Variable in : inputs) {
                needs |= in.requiresGrad;
            }
        }
        return needs ? new Variable(out, true, op, inputs.clone(), gradFn) : new Variable(out, false, op, null, null);
    }

    /**
     * Like {@link #fromOp}, for an op whose backward writes its input gradients directly into
     * the engine's buffers (see {@link AccumulatingGradFn}): e.g. a GEMM with {@code beta = 1}
     * straight into a weight's gradient, with no temporary array and no extra add.
     */
    public static Variable fromAccumulatingOp(String op, INDArray value, AccumulatingGradFn gradFn, Variable... inputs) {
        if (gradFn == null) {
            throw new IllegalArgumentException("fromAccumulatingOp(" + op + "): gradFn is null");
        }
        return fromOp(op, value, new Backprop.Accumulating(gradFn), inputs);
    }

    // ---------------------------------------------------------------- accessors

    /** The value (shared with this Variable, not a copy). */
    public Tensor value() {
        return value;
    }

    /** The accumulated gradient of a leaf that requires one; null before any backward. */
    public Tensor grad() {
        if (gradZeroPending) {
            grad.array().assign(0);
            gradZeroPending = false;
        }
        return grad;
    }

    /** The single element of a one-element Variable, as {@code value().item()} (PyTorch's {@code x.item()}). */
    public float item() {
        return value.item();
    }

    /** Whether this Variable takes part in gradient computation. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for Variables made directly rather than by an op. */
    public boolean isLeaf() {
        return gradFn == null && !released;
    }

    /** The name of the op that produced this Variable ("leaf" for leaves). */
    public String op() {
        return op;
    }

    /** The value's shape. */
    public long[] shape() {
        return value.shape();
    }

    /**
     * Sets the gradient to zero, reusing its buffer (no-op before the first backward). Lazy: no
     * work is done now; the next backward overwrites the buffer instead of adding to it, and
     * {@link #grad()} zero-fills it if read first. A {@link Tensor} obtained from {@code grad()}
     * before this call keeps its old contents until then.
     */
    public void zeroGrad() {
        if (grad != null) {
            gradZeroPending = true;
        }
    }

    /** Drops the gradient buffer, so the next backward allocates a fresh one. */
    public void clearGrad() {
        grad = null;
        gradZeroPending = false;
    }

    /** A constant sharing this value, cut off from the graph. */
    public Variable detach() {
        return constant(value);
    }

    /** Accumulates {@code g} (already of this leaf's shape) into the gradient buffer, in place. */
    void accumulateLeafGrad(INDArray g, boolean owned) {
        if (grad == null) {
            grad = Tensor.wrap(owned && Backprop.isDenseRowMajor(g) ? g : g.dup('c'));
        } else if (gradZeroPending) {
            grad.array().assign(g);
            gradZeroPending = false;
        } else {
            grad.array().addi(g);
        }
    }

    /** This leaf's gradient buffer as a write target (allocated on first use, overwritten after zeroGrad). */
    GradSink.Target leafGradTarget() {
        if (grad == null) {
            grad = Tensor.wrap(Nd4j.createUninitialized(value.array().dataType(), value.shape(), 'c'));
            return new GradSink.Target(grad.array(), 0);
        }
        boolean overwrite = gradZeroPending;
        gradZeroPending = false;
        return new GradSink.Target(grad.array(), overwrite ? 0 : 1);
    }

    // ---------------------------------------------------------------- backward

    /** Back-propagates from this one-element Variable and releases the graph. */
    public void backward() {
        backward(false);
    }

    /**
     * Back-propagates from this one-element Variable; with {@code retainGraph} the graph stays
     * usable for another backward.
     *
     * @throws IllegalStateException for a root with more than one element, one that requires no
     *         gradient, or a graph already released by an earlier backward
     */
    public void backward(boolean retainGraph) {
        if (value.size() != 1) {
            throw new IllegalStateException("backward: the root must hold exactly one element, got shape "
                    + Shapes.str(value.shape()) + "; reduce it first (e.g. sum() or mean())");
        }
        Backprop.run(this, Ones.scalarLike(value.array()), retainGraph);
    }

    // ---------------------------------------------------------------- elementwise binary ops

    /** {@code this + other}, NumPy broadcasting. */
    public Variable add(Variable other) {
        int rank = broadcastRank("add", other);
        INDArray a = withRank(value.array(), rank);
        INDArray b = withRank(other.value.array(), rank);
        return fromOp("add", a.add(b), g -> new INDArray[] {g, g}, this, other);
    }

    /** {@code this - other}, NumPy broadcasting. */
    public Variable sub(Variable other) {
        int rank = broadcastRank("sub", other);
        INDArray a = withRank(value.array(), rank);
        INDArray b = withRank(other.value.array(), rank);
        return fromOp("sub", a.sub(b), g -> new INDArray[] {g, other.requiresGrad ? g.neg() : null}, this, other);
    }

    /** {@code this * other} elementwise, NumPy broadcasting. */
    public Variable mul(Variable other) {
        int rank = broadcastRank("mul", other);
        INDArray a = withRank(value.array(), rank);
        INDArray b = withRank(other.value.array(), rank);
        return fromOp("mul", a.mul(b), g -> new INDArray[] {
            requiresGrad ? g.mul(b) : null,
            other.requiresGrad ? g.mul(a) : null}, this, other);
    }

    /** {@code this / other} elementwise, NumPy broadcasting. */
    public Variable div(Variable other) {
        int rank = broadcastRank("div", other);
        INDArray a = withRank(value.array(), rank);
        INDArray b = withRank(other.value.array(), rank);
        INDArray out = a.div(b);
        return fromOp("div", out, g -> new INDArray[] {
            requiresGrad ? g.div(b) : null,
            other.requiresGrad ? g.mul(out).divi(b).negi() : null}, this, other);
    }

    /** {@code this + s} for a constant scalar. */
    public Variable add(double s) {
        return fromOp("add", plusScalar(value.array(), s), g -> new INDArray[] {g}, this);
    }

    /** {@code this * s} for a constant scalar. */
    public Variable mul(double s) {
        return fromOp("mul", timesScalar(value.array(), s), g -> new INDArray[] {timesScalar(g, s)}, this);
    }

    // ND4J's scalar ops mishandle non-finite constants (x.mul(NaN) gives 1e-5·x, x.add(NaN)
    // gives x), so those go through a rank-0 array, which broadcasts correctly.

    private static INDArray plusScalar(INDArray x, double s) {
        return Double.isFinite(s) ? x.add(s) : x.add(Nd4j.scalar(x.dataType(), s));
    }

    private static INDArray timesScalar(INDArray x, double s) {
        return Double.isFinite(s) ? x.mul(s) : x.mul(Nd4j.scalar(x.dataType(), s));
    }

    // ---------------------------------------------------------------- matrix product

    /** The matrix product of two 2-d Variables, {@code [m, k] x [k, n] -> [m, n]}. */
    public Variable matmul(Variable other) {
        INDArray a = value.array();
        INDArray b = other.value.array();
        checkSameType("matmul", other);
        if (a.rank() != 2 || b.rank() != 2 || a.size(1) != b.size(0)) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()) + " are not aligned; needs [m, k] x [k, n]");
        }
        return fromAccumulatingOp("matmul", Blas.gemm(a, false, b, false), (g, sink) -> {
            if (sink.requires(0)) {
                GradSink.Target t = sink.target(0);
                Blas.gemm(g, false, b, true, t.array(), 1.0, t.beta());
            }
            if (sink.requires(1)) {
                GradSink.Target t = sink.target(1);
                Blas.gemm(a, true, g, false, t.array(), 1.0, t.beta());
            }
        }, this, other);
    }

    // ---------------------------------------------------------------- elementwise unary ops

    /** {@code -this}. */
    public Variable neg() {
        return fromOp("neg", value.array().neg(), g -> new INDArray[] {g.neg()}, this);
    }

    /** {@code e^this}. */
    public Variable exp() {
        INDArray out = Transforms.exp(value.array(), true);
        return fromOp("exp", out, g -> new INDArray[] {g.mul(out)}, this);
    }

    /** The natural logarithm; {@code log(0) = -inf} as in PyTorch. */
    public Variable log() {
        INDArray a = value.array();
        return fromOp("log", Transforms.log(a, true), g -> new INDArray[] {g.div(a)}, this);
    }

    /** {@code this^p} for a constant exponent. */
    public Variable pow(double p) {
        INDArray a = value.array();
        return fromOp("pow", Transforms.pow(a, p, true), g -> new INDArray[] {
            p == 0 ? Nd4j.zerosLike(a) : Transforms.pow(a, p - 1, true).muli(g).muli(p)}, this);
    }

    /** {@code max(this, 0)}; the gradient at 0 is 0, as in PyTorch. */
    public Variable relu() {
        INDArray a = value.array();
        INDArray out = Kernels.relu(a, StepScope.newArray(a.dataType(), a.shape()));
        return fromAccumulatingOp("relu", out, (g, sink) -> {
            GradSink.Target t = sink.target(0);
            Kernels.reluBackward(out, g, t.array(), t.beta());
        }, this);
    }

    /** {@code 1 / (1 + e^-this)}. */
    public Variable sigmoid() {
        INDArray out = Transforms.sigmoid(value.array(), true);
        return fromOp("sigmoid", out, g -> new INDArray[] {out.rsub(1.0).muli(out).muli(g)}, this);
    }

    /** The hyperbolic tangent. */
    public Variable tanh() {
        INDArray out = Transforms.tanh(value.array(), true);
        return fromOp("tanh", out, g -> new INDArray[] {out.mul(out).rsubi(1.0).muli(g)}, this);
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements, a scalar of shape {@code []}. */
    public Variable sum() {
        INDArray a = value.array();
        INDArray out = Nd4j.scalar(a.dataType(), total(a));
        return fromOp("sum", out, g -> new INDArray[] {Nd4j.valueArrayOf(a.shape(), g.getDouble(0), a.dataType())}, this);
    }

    /** The sum of all elements; 0 for an empty array, as in PyTorch (ND4J throws there). */
    private static double total(INDArray a) {
        return a.isEmpty() ? 0.0 : a.sumNumber().doubleValue();
    }

    /** The sum along {@code axis} (negative counts from the end), keeping it as size 1 if asked. */
    public Variable sum(int axis, boolean keepDims) {
        INDArray a = value.array();
        int ax = Shapes.axis("sum", axis, a.rank());
        return fromOp("sum", a.sum(keepDims, ax), g -> new INDArray[] {expandAlong(g, a.shape(), ax)}, this);
    }

    /** The mean of all elements, a scalar of shape {@code []}. */
    public Variable mean() {
        INDArray a = value.array();
        long n = a.length();
        INDArray out = Nd4j.scalar(a.dataType(), total(a) / n);
        return fromOp("mean", out, g -> new INDArray[] {Nd4j.valueArrayOf(a.shape(), g.getDouble(0) / n, a.dataType())}, this);
    }

    /** The mean along {@code axis} (negative counts from the end), keeping it as size 1 if asked. */
    public Variable mean(int axis, boolean keepDims) {
        INDArray a = value.array();
        int ax = Shapes.axis("mean", axis, a.rank());
        long n = a.size(ax);
        return fromOp("mean", a.sum(keepDims, ax).divi(n), g -> new INDArray[] {expandAlong(g, a.shape(), ax).divi(n)}, this);
    }

    // ---------------------------------------------------------------- shape ops

    /** The same elements in a new shape; one dimension may be -1. */
    public Variable reshape(long... shape) {
        INDArray a = value.array();
        long[] target = Shapes.inferReshape("reshape", a.shape(), shape);
        long[] from = a.shape();
        return fromOp("reshape", a.reshape('c', target), g -> new INDArray[] {g.reshape('c', from)}, this);
    }

    /** The transpose of a 2-d Variable (a row-major copy). */
    public Variable transpose() {
        INDArray a = value.array();
        if (a.rank() != 2) {
            throw new IllegalArgumentException("transpose: needs a 2-d Variable, got shape " + Shapes.str(a.shape()));
        }
        return fromOp("transpose", a.transpose().dup('c'), g -> new INDArray[] {g.transpose().dup('c')}, this);
    }

    // ---------------------------------------------------------------- softmax family

    /** Softmax along {@code axis}, stable for large logits. */
    public Variable softmax(int axis) {
        INDArray a = value.array();
        int ax = Shapes.axis("softmax", axis, a.rank());
        INDArray out = Transforms.exp(a.sub(a.max(true, ax)), false);
        out.divi(out.sum(true, ax));
        return fromOp("softmax", out, g -> {
            INDArray dot = g.mul(out).sum(true, ax);
            return new INDArray[] {g.sub(dot).muli(out)};
        }, this);
    }

    /** log(softmax) along {@code axis}, computed as {@code x - max - log(sum(exp(x - max)))}. */
    public Variable logSoftmax(int axis) {
        INDArray a = value.array();
        int ax = Shapes.axis("logSoftmax", axis, a.rank());
        INDArray out = a.sub(a.max(true, ax));
        out.subi(Transforms.log(Transforms.exp(out, true).sum(true, ax), false));
        return fromOp("logSoftmax", out, g -> {
            INDArray gsum = g.sum(true, ax);
            return new INDArray[] {g.sub(Transforms.exp(out, true).muli(gsum))};
        }, this);
    }

    // ---------------------------------------------------------------- helpers

    /** The rank of {@code this op other}, after checking that the two broadcast and share a type. */
    private int broadcastRank(String op, Variable other) {
        checkSameType(op, other);
        return Broadcast.shape(op, value.shape(), other.value.shape()).length;
    }

    /**
     * {@code a} viewed with leading 1s up to {@code rank}. ND4J sizes some mixed-rank results
     * wrongly (e.g. {@code [4,1] + [3]} fails), but broadcasts operands of equal rank correctly.
     */
    private static INDArray withRank(INDArray a, int rank) {
        if (a.rank() == rank) {
            return a;
        }
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        System.arraycopy(a.shape(), 0, shape, rank - a.rank(), a.rank());
        return a.reshape('c', shape);
    }

    private void checkSameType(String op, Variable other) {
        if (value.dtype() != other.value.dtype()) {
            throw new IllegalArgumentException(op + ": element types differ, " + value.dtype() + Shapes.str(shape())
                    + " vs " + other.value.dtype() + Shapes.str(other.shape()));
        }
    }

    /** Broadcasts a gradient reduced along {@code axis} back to {@code shape}. */
    private static INDArray expandAlong(INDArray g, long[] shape, int axis) {
        long[] kept = shape.clone();
        kept[axis] = 1;
        return g.reshape('c', kept).broadcast(shape);
    }

    @Override
    public String toString() {
        return "Variable(op=" + op + ", shape=" + Arrays.toString(shape()) + ", requiresGrad=" + requiresGrad + ")";
    }
}
