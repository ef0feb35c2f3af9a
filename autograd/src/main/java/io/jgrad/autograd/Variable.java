package io.jgrad.autograd;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Ones;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.NdArrays;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A node of the reverse-mode graph: a {@link Tensor} value, and for results of ops the op that
 * made it and how to send a gradient back through it.
 *
 * <p>The ops are one-line entries here; each family ({@code ElementwiseOps}, {@code MatmulOps},
 * {@code ActivationOps}, {@code ReductionOps}, {@code ShapeOps}, {@code ConvolutionOps}) computes an op's value and,
 * right next to it, the {@link GradFn} that back-propagates it, in the style of micrograd. A graph is recorded only when some input
 * requires a gradient and the thread is not inside {@link #noGrad()}. {@link #backward()} runs
 * the {@link Backprop} engine; gradients accumulate into {@link #grad()} of the leaves.
 *
 * <p>Values are never modified by ops; optimizers update leaf values in place.
 *
 * <pre>{@code
 * Variable x = Variable.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), true);
 * Variable loss = x.mul(x).sum();
 * loss.backward();                    // x.grad() is 2x
 * try (NoGrad g = Variable.noGrad()) {
 *     Variable y = x.tanh();          // no graph recorded
 * }
 * }</pre>
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

    // Set by Functional.intermediate: the value's memory goes back to the cache once backward has run this node.
    io.jgrad.tensor.EarlyRelease.Handle valueRelease;

    // Scratch space of one backward pass.
    INDArray pending;
    boolean pendingOwned;
    // An engine-owned gradient that pending (not owned) is a reshape of; back to GradPool once pending is consumed.
    INDArray pendingBase;

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

    /**
     * A leaf holding {@code value}; with {@code requiresGrad} its gradient is accumulated by backward.
     *
     * @throws IllegalArgumentException when an INT64 value is asked to require a gradient
     *         (as in PyTorch, only floating-point tensors can)
     */
    public static Variable of(Tensor value, boolean requiresGrad) {
        if (requiresGrad && value != null && !value.dtype().isFloating()) {
            throw new IllegalArgumentException("Variable.of: only floating-point values can require a gradient, got "
                    + value.dtype() + Shapes.str(value.shape()));
        }
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
     * straight into a weight's gradient, with no temporary array and no extra add. Internal:
     * this module's op families use it; other modules use {@link #fromOp} or {@link Functional}.
     */
    static Variable fromAccumulatingOp(String op, INDArray value, AccumulatingGradFn gradFn, Variable... inputs) {
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
            grad = Tensor.wrap(owned && Dense.rowMajor(g) ? g : g.dup('c'));
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
            grad = Tensor.wrap(NdArrays.uninitialized(value.array().dataType(), value.shape()));
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

    // ---------------------------------------------------------------- ops, by family
    // Each op is one line here; its forward and backward live in the family class named.
    // Float ops pass this through floating(op), which refuses INT64 values; shape ops,
    // comparisons, argmax/argmin and maskedFill take any type.

    /** This Variable, after checking that its value is floating-point: the dtype gate of the float ops. */
    private Variable floating(String op) {
        DType.checkFloating(op, value.dtype());
        return this;
    }

    /** {@code this + other}, NumPy broadcasting. */
    public Variable add(Variable other) {
        return ElementwiseOps.add(floating("add"), other);
    }

    /** {@code this - other}, NumPy broadcasting. */
    public Variable sub(Variable other) {
        return ElementwiseOps.sub(floating("sub"), other);
    }

    /** {@code this * other} elementwise, NumPy broadcasting. */
    public Variable mul(Variable other) {
        return ElementwiseOps.mul(floating("mul"), other);
    }

    /** {@code this / other} elementwise, NumPy broadcasting. */
    public Variable div(Variable other) {
        return ElementwiseOps.div(floating("div"), other);
    }

    /** {@code this + s} for a constant scalar. */
    public Variable add(double s) {
        return ElementwiseOps.add(floating("add"), s);
    }

    /** {@code this * s} for a constant scalar. */
    public Variable mul(double s) {
        return ElementwiseOps.mul(floating("mul"), s);
    }

    /** {@code -this}. */
    public Variable neg() {
        return ElementwiseOps.neg(floating("neg"));
    }

    /** {@code e^this}. */
    public Variable exp() {
        return ElementwiseOps.exp(floating("exp"));
    }

    /** The natural logarithm; {@code log(0) = -inf} as in PyTorch. */
    public Variable log() {
        return ElementwiseOps.log(floating("log"));
    }

    /** {@code this^p} for a constant exponent. */
    public Variable pow(double p) {
        return ElementwiseOps.pow(floating("pow"), p);
    }

    /**
     * The matrix product, {@code [m, k] x [k, n] -> [m, n]}, or for n-d operands
     * {@code [..., m, k] x [..., k, n]} with the leading dimensions broadcast, as {@code torch.matmul}.
     */
    public Variable matmul(Variable other) {
        return MatmulOps.matmul(floating("matmul"), other);
    }

    /** {@code max(this, 0)}; the gradient at 0 is 0, as in PyTorch. */
    public Variable relu() {
        return ActivationOps.relu(floating("relu"));
    }

    /** {@code 1 / (1 + e^-this)}. */
    public Variable sigmoid() {
        return ActivationOps.sigmoid(floating("sigmoid"));
    }

    /** The hyperbolic tangent. */
    public Variable tanh() {
        return ActivationOps.tanh(floating("tanh"));
    }

    /** Softmax along {@code axis}, stable for large logits. */
    public Variable softmax(int axis) {
        return ActivationOps.softmax(floating("softmax"), axis);
    }

    /** log(softmax) along {@code axis}, computed as {@code x - max - log(sum(exp(x - max)))}. */
    public Variable logSoftmax(int axis) {
        return ActivationOps.logSoftmax(floating("logSoftmax"), axis);
    }

    /** The sum of all elements, a scalar of shape {@code []}. */
    public Variable sum() {
        return ReductionOps.sum(floating("sum"));
    }

    /** The sum along {@code axis} (negative counts from the end), keeping it as size 1 if asked. */
    public Variable sum(int axis, boolean keepDims) {
        return ReductionOps.sum(floating("sum"), axis, keepDims);
    }

    /** The mean of all elements, a scalar of shape {@code []}. */
    public Variable mean() {
        return ReductionOps.mean(floating("mean"));
    }

    /** The mean along {@code axis} (negative counts from the end), keeping it as size 1 if asked. */
    public Variable mean(int axis, boolean keepDims) {
        return ReductionOps.mean(floating("mean"), axis, keepDims);
    }

    /** The same elements in a new shape; one dimension may be -1. */
    public Variable reshape(long... shape) {
        return ShapeOps.reshape(this, shape);
    }

    /** PyTorch's {@code view}: the same as {@link #reshape} (values and gradients; the result may be a copy). */
    public Variable view(long... shape) {
        return ShapeOps.reshape(this, shape);
    }

    /**
     * PyTorch's {@code masked_fill}: {@code value} where {@code mask} (any type, broadcast to
     * this shape) is non-zero, this elsewhere; no gradient flows to the filled places.
     *
     * @throws IllegalArgumentException when the mask does not broadcast to this shape
     */
    public Variable maskedFill(Tensor mask, double value) {
        return MaskOps.maskedFill(this, mask, value);
    }

    /** The transpose of a 2-d Variable (a row-major copy). */
    public Variable transpose() {
        return ShapeOps.transpose(this);
    }

    // ---------------------------------------------------------------- n-d tensors and images

    /** Swaps dimensions {@code dim0} and {@code dim1} (negative counts from the end), PyTorch's {@code transpose}. */
    public Variable transpose(int dim0, int dim1) {
        return ShapeOps.transpose(this, dim0, dim1);
    }

    /** The dimensions reordered: result dimension {@code i} is input dimension {@code dims[i]}. */
    public Variable permute(int... dims) {
        return ShapeOps.permute(this, dims);
    }

    /** Inserts a dimension of size 1 at {@code dim} of the result ({@code -1} appends). */
    public Variable unsqueeze(int dim) {
        return ShapeOps.unsqueeze(this, dim);
    }

    /** Removes dimension {@code dim} if its size is 1 (otherwise returns this, as PyTorch does). */
    public Variable squeeze(int dim) {
        return ShapeOps.squeeze(this, dim);
    }

    /** Elements {@code start .. start+length-1} along {@code dim}, PyTorch's {@code narrow} ({@code x[:, start:start+length]}). */
    public Variable narrow(int dim, long start, long length) {
        return ShapeOps.narrow(this, dim, start, length);
    }

    /** Joins Variables of one shape (except along {@code dim}) along {@code dim}, PyTorch's {@code torch.cat}. */
    public static Variable cat(int dim, Variable... xs) {
        return ShapeOps.cat(dim, xs);
    }

    /** Joins Variables of one shape along a new dimension {@code dim}, PyTorch's {@code torch.stack}. */
    public static Variable stack(int dim, Variable... xs) {
        return ShapeOps.stack(dim, xs);
    }

    /** {@code |this|}; the gradient at 0 is 0, as in PyTorch. */
    public Variable abs() {
        return ElementwiseOps.abs(floating("abs"));
    }

    /** The square root. */
    public Variable sqrt() {
        return ElementwiseOps.sqrt(floating("sqrt"));
    }

    /** The sine. */
    public Variable sin() {
        return ElementwiseOps.sin(floating("sin"));
    }

    /** The cosine. */
    public Variable cos() {
        return ElementwiseOps.cos(floating("cos"));
    }

    /** Clamps into {@code [min, max]}; gradient 1 inside (bounds included), 0 outside. */
    public Variable clamp(double min, double max) {
        return ElementwiseOps.clamp(floating("clamp"), min, max);
    }

    /** The maximum along {@code dim}; the gradient goes to the element {@code argmax} names. */
    public Variable max(int dim, boolean keepDims) {
        return ReductionOps.extreme(floating("max"), dim, keepDims, true);
    }

    /** The minimum along {@code dim}; the gradient goes to the element {@code argmin} names. */
    public Variable min(int dim, boolean keepDims) {
        return ReductionOps.extreme(floating("min"), dim, keepDims, false);
    }

    /** The index of the first maximum along {@code dim} (removed), as INT64, PyTorch's {@code argmax(dim)}. */
    public Variable argmax(int dim) {
        return ReductionOps.argExtreme(this, dim, false, true);
    }

    /** The index of the first maximum along {@code dim}, as an INT64 constant (no gradient). */
    public Variable argmax(int dim, boolean keepDims) {
        return ReductionOps.argExtreme(this, dim, keepDims, true);
    }

    /** The index of the first minimum along {@code dim}, as an INT64 constant (no gradient). */
    public Variable argmin(int dim, boolean keepDims) {
        return ReductionOps.argExtreme(this, dim, keepDims, false);
    }

    /** The mask {@code this > other} (1 or 0, broadcasting, no gradient), PyTorch's {@code gt}. */
    public Variable gt(Variable other) {
        return ElementwiseOps.compare(ElementwiseOps.Comparison.GT, this, other);
    }

    /** The mask {@code this >= other}. */
    public Variable ge(Variable other) {
        return ElementwiseOps.compare(ElementwiseOps.Comparison.GE, this, other);
    }

    /** The mask {@code this < other}. */
    public Variable lt(Variable other) {
        return ElementwiseOps.compare(ElementwiseOps.Comparison.LT, this, other);
    }

    /** The mask {@code this <= other}. */
    public Variable le(Variable other) {
        return ElementwiseOps.compare(ElementwiseOps.Comparison.LE, this, other);
    }

    /** The mask {@code this == other}. */
    public Variable eq(Variable other) {
        return ElementwiseOps.compare(ElementwiseOps.Comparison.EQ, this, other);
    }

    /** GELU, exact erf form {@code x·Φ(x)}, PyTorch's default. */
    public Variable gelu() {
        return ActivationOps.gelu(floating("gelu"));
    }

    /**
     * 2-d cross-correlation of {@code [N, C, H, W]} with {@code weight [out, C/groups, kH, kW]} and
     * {@code bias [out]} (may be null), PyTorch's {@code F.conv2d}.
     */
    public Variable conv2d(Variable weight, Variable bias, int stride, int padding, int dilation, int groups) {
        return ConvolutionOps.conv2d(floating("conv2d"), weight, bias, stride, padding, dilation, groups);
    }

    /** Max pooling of {@code [N, C, H, W]} over square windows, PyTorch's {@code F.max_pool2d}. */
    public Variable maxPool2d(int kernel, int stride, int padding) {
        return ConvolutionOps.maxPool2d(floating("maxPool2d"), kernel, stride, padding);
    }

    /** Average pooling of {@code [N, C, H, W]} (padding counted), PyTorch's {@code F.avg_pool2d}. */
    public Variable avgPool2d(int kernel, int stride, int padding) {
        return ConvolutionOps.avgPool2d(floating("avgPool2d"), kernel, stride, padding);
    }

    /**
     * Training-mode batch normalisation of {@code [N, C, H, W]} per channel (PyTorch's
     * {@code F.batch_norm} with batch statistics); {@code weight} and {@code bias} may both be null.
     * The batch mean and biased variance are written into {@code batchMean} / {@code batchVar}
     * (length C) when not null, for a layer's running statistics.
     */
    public Variable batchNorm2d(Variable weight, Variable bias, double eps, double[] batchMean, double[] batchVar) {
        return ConvolutionOps.batchNorm2d(floating("batchNorm2d"), weight, bias, eps, batchMean, batchVar);
    }

    @Override
    public String toString() {
        return "Variable(op=" + op + ", shape=" + Arrays.toString(shape()) + ", requiresGrad=" + requiresGrad + ")";
    }
}
