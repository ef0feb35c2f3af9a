package io.jgrad.nn;

import io.jgrad.autograd.GradSink;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.BatchNormKernel;
import io.jgrad.tensor.HostChunks;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over a {@code [batch, features]} input (Ioffe and Szegedy, 2015), as
 * PyTorch's {@code nn.BatchNorm1d}: {@code y = (x - μ)/√(σ² + eps)·γ + β}.
 *
 * <p>In training mode μ and σ² are the batch mean and the <em>biased</em> batch variance; the
 * running statistics move towards the batch ones, {@code r ← (1 - m)·r + m·b}, using the
 * <em>unbiased</em> variance for {@code running_var} ({@code m} = momentum, or {@code 1/t} after
 * {@code t} batches when momentum is null: a cumulative average), and {@code num_batches_tracked}
 * counts the batches. In evaluation mode the running statistics are used. Both modes are one
 * fused node; training mode back-propagates PyTorch's closed form
 * {@code dx = (1/N)·invstd·(N·dx̂ - Σdx̂ - x̂·Σ(dx̂·x̂))} with {@code dx̂ = dy·γ}.
 *
 * <pre>{@code
 * new BatchNorm1d(256);                                                  // PyTorch's defaults
 * BatchNorm1d.builder(256).eps(1e-3).momentum(null).affine(false).build();
 * }</pre>
 */
public class BatchNorm1d extends Module {
    private final int features;
    private final double eps;
    private final Double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(int features) {
        this(builder(features));
    }

    /** Options for a layer over {@code features} channels. */
    public static Builder builder(int features) {
        return new Builder(features);
    }

    /** A layer with the options of {@code b} (for subclasses over other layouts, such as {@link BatchNorm2d}). */
    protected BatchNorm1d(Builder b) {
        this.features = b.features;
        this.eps = b.eps;
        this.momentum = b.momentum;
        this.affine = b.affine;
        this.trackRunningStats = b.trackRunningStats;
        if (affine) {
            weight = registerParameter("weight", new Parameter(Tensor.ones(features)));
            bias = registerParameter("bias", new Parameter(Tensor.zeros(features)));
        } else {
            weight = null;
            bias = null;
        }
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", Tensor.zeros(features));
            runningVar = registerBuffer("running_var", Tensor.ones(features));
            numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(DType.FLOAT64));
        } else {
            runningMean = null;
            runningVar = null;
            numBatchesTracked = null;
        }
    }

    /** The options of a {@link BatchNorm1d}; defaults are PyTorch's. */
    public static final class Builder {
        private final int features;
        private double eps = 1e-5;
        private Double momentum = 0.1;
        private boolean affine = true;
        private boolean trackRunningStats = true;

        private Builder(int features) {
            if (features <= 0) {
                throw new IllegalArgumentException("BatchNorm1d: features must be positive, got " + features);
            }
            this.features = features;
        }

        /** Added to the variance before the square root (default 1e-5). */
        public Builder eps(double eps) {
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("BatchNorm1d: eps must be finite and non-negative, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /** Running-statistics momentum in [0, 1] (default 0.1); null for a cumulative moving average. */
        public Builder momentum(Double momentum) {
            if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("BatchNorm1d: momentum must be in [0, 1] or null, got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        /** Whether to learn γ (init 1) and β (init 0) (default true). */
        public Builder affine(boolean affine) {
            this.affine = affine;
            return this;
        }

        /** Whether to keep running statistics for evaluation mode (default true). */
        public Builder trackRunningStats(boolean track) {
            this.trackRunningStats = track;
            return this;
        }

        public BatchNorm1d build() {
            return new BatchNorm1d(this);
        }
    }

    public int numFeatures() {
        return features;
    }

    /** γ, or null without affine. */
    public Parameter weight() {
        return weight;
    }

    /** β, or null without affine. */
    public Parameter bias() {
        return bias;
    }

    /** The running mean buffer (updated in place), or null when not tracking. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance buffer (updated in place), or null when not tracking. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** The number of training batches seen, or 0 when not tracking. */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : (long) numBatchesTracked.getDouble(0);
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        if (s.length != 2 || s[1] != features) {
            throw new IllegalArgumentException("BatchNorm1d(" + features + ").forward: expected input [batch, "
                    + features + "], got " + Shapes.str(s));
        }
        return normalizeRows(x, s);
    }

    /**
     * The layer's work on {@code rows} (M values per channel): batch statistics
     * and a running-statistics update in training mode, the running statistics in evaluation mode.
     * {@code inputShape} is the caller's input shape, for messages. Subclasses over other layouts
     * (BatchNorm2d) override {@link #batchNormalize} and {@link #runningNormalize} and call this.
     */
    protected Variable normalizeRows(Variable rows, long[] inputShape) {
        String name = getClass().getSimpleName() + "(" + features + ")";
        if (weight != null && rows.value().dtype() != weight.value().dtype()) {
            throw new IllegalArgumentException(name + ".forward: input is " + rows.value().dtype()
                    + " but the parameters are " + weight.value().dtype());
        }
        if (!isTraining() && trackRunningStats) {
            return runningNormalize(rows);
        }
        long m = Shapes.size(rows.shape()) / features;
        if (isTraining() && m <= 1) {
            throw new IllegalArgumentException(name + ".forward: expected more than 1 value per channel when training,"
                    + " got input " + Shapes.str(inputShape));
        }
        BatchResult r = batchNormalize(rows);
        if (isTraining() && trackRunningStats) {
            updateRunningStats(r, m);
        }
        return r.output();
    }

    /** Normalises with the batch statistics; BatchNorm1d's input is rows [M, C]. */
    protected BatchResult batchNormalize(Variable x) {
        return normalizeWithBatchStats(x, weight, bias, eps);
    }

    /** Normalises with the running statistics (evaluation mode). */
    protected Variable runningNormalize(Variable x) {
        return normalizeWithRunningStats(x, weight, bias, runningMean.array(), runningVar.array(), eps);
    }

    /** The epsilon added to the variance. */
    public double eps() {
        return eps;
    }

    private void updateRunningStats(BatchResult r, long n) {
        double count = numBatchesTracked.getDouble(0) + 1;
        numBatchesTracked.array().assign(count);
        double m = momentum == null ? 1 / count : momentum;
        double[] rm = Host.doubles(runningMean.array());
        double[] rv = Host.doubles(runningVar.array());
        for (int c = 0; c < features; c++) {
            rm[c] = (1 - m) * rm[c] + m * r.mean()[c];
            rv[c] = (1 - m) * rv[c] + m * r.biasedVar()[c] * n / (n - 1);
        }
        runningMean.array().assign(Host.array(rm, runningMean.shape(), runningMean.array().dataType()));
        runningVar.array().assign(Host.array(rv, runningVar.shape(), runningVar.array().dataType()));
    }

    /** A batch-statistics forward: the output and the batch mean and biased variance it used. */
    public record BatchResult(Variable output, double[] mean, double[] biasedVar) {
    }

    /**
     * Normalises {@code x} [N, C] with its own batch statistics (training mode) and applies
     * {@code weight} and {@code bias} when not null; one fused node with the closed-form backward.
     * Usable on its own, e.g. for float64 gradient checks.
     *
     * <p>At these sizes ND4J's cost is allocation (a new [128, 256] array costs more than a
     * whole Java pass over it), so both directions are three Java passes over a host copy
     * (statistics in double) and one ND4J array for the result.
     */
    public static BatchResult normalizeWithBatchStats(Variable x, Variable weight, Variable bias, double eps) {
        Variable[] inputs = inputs(x, weight, bias);
        long[] shape = x.shape();
        if (shape.length != 2 || shape[0] == 0 || weight != null
                && (weight.value().size() != shape[1] || bias.value().size() != shape[1])) {
            throw new IllegalArgumentException("batchNorm: input " + Shapes.str(shape) + " must be [N > 0, C]"
                    + (weight == null ? "" : " with weight and bias of size C, got " + Shapes.str(weight.shape())
                    + " and " + Shapes.str(bias.shape())));
        }
        INDArray xa = x.value().array();
        INDArray wa = weight == null ? null : weight.value().array();
        INDArray ba = bias == null ? null : bias.value().array();
        if (BatchNormKernel.fits(xa, wa, ba)) {
            return fastFloat32(x, weight, bias, eps, inputs);
        }
        int n = (int) shape[0];
        int cs = (int) shape[1];
        double[] xs = Host.doubles(x.value().array());
        double[] w = weight == null ? null : Host.doubles(weight.value().array());
        double[] b = bias == null ? null : Host.doubles(bias.value().array());
        double[] mean = new double[cs];
        double[] var = new double[cs];
        for (int i = 0; i < n; i++) {
            for (int c = 0, k = i * cs; c < cs; c++, k++) {
                mean[c] += xs[k];
            }
        }
        for (int c = 0; c < cs; c++) {
            mean[c] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0, k = i * cs; c < cs; c++, k++) {
                double d = xs[k] - mean[c];
                var[c] += d * d;
            }
        }
        double[] invstd = new double[cs];
        for (int c = 0; c < cs; c++) {
            var[c] /= n;
            invstd[c] = 1 / Math.sqrt(var[c] + eps);
        }
        double[] xhat = new double[xs.length];
        double[] y = new double[xs.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0, k = i * cs; c < cs; c++, k++) {
                xhat[k] = (xs[k] - mean[c]) * invstd[c];
                y[k] = w == null ? xhat[k] : xhat[k] * w[c] + b[c];
            }
        }
        org.nd4j.linalg.api.buffer.DataType type = x.value().array().dataType();
        Variable out = Variable.fromOp("batchNorm", Host.array(y, shape, type), gradOut -> {
            double[] g = Host.doubles(gradOut);
            double[] dBias = new double[cs];
            double[] dWeight = new double[cs];
            for (int i = 0; i < n; i++) {
                for (int c = 0, k = i * cs; c < cs; c++, k++) {
                    dBias[c] += g[k];
                    dWeight[c] += g[k] * xhat[k];
                }
            }
            INDArray dx = null;
            if (x.requiresGrad()) {
                // dx = (γ·invstd/N)·(N·dy - Σdy - x̂·Σ(dy·x̂)), the closed form with dx̂ = dy·γ
                double[] d = new double[xs.length];
                for (int i = 0; i < n; i++) {
                    for (int c = 0, k = i * cs; c < cs; c++, k++) {
                        double scale = (w == null ? 1 : w[c]) * invstd[c] / n;
                        d[k] = scale * (n * g[k] - dBias[c] - xhat[k] * dWeight[c]);
                    }
                }
                dx = Host.array(d, shape, type);
            }
            if (w == null) {
                return new INDArray[] {dx};
            }
            long[] vec = {cs};
            return new INDArray[] {dx, weight.requiresGrad() ? Host.array(dWeight, vec, type) : null,
                bias.requiresGrad() ? Host.array(dBias, vec, type) : null};
        }, inputs);
        return new BatchResult(out, mean, var);
    }

    /** The dense float32 case: {@link BatchNormKernel}'s passes, gradients written into the engine's buffers. */
    private static BatchResult fastFloat32(Variable x, Variable weight, Variable bias, double eps, Variable[] inputs) {
        INDArray xa = x.value().array();
        INDArray wa = weight == null ? null : weight.value().array();
        INDArray ba = bias == null ? null : bias.value().array();
        INDArray y = StepScope.newArray(xa.dataType(), xa.shape());
        BatchNormKernel k = BatchNormKernel.forward(xa, wa, ba, eps, y);
        Variable out = Variable.fromAccumulatingOp("batchNorm", y, (g, sink) -> {
            GradSink.Target tx = sink.requires(0) ? sink.target(0) : null;
            GradSink.Target tw = wa != null && sink.requires(1) ? sink.target(1) : null;
            GradSink.Target tb = wa != null && sink.requires(2) ? sink.target(2) : null;
            k.backward(HostChunks.fits(g) ? g : g.dup('c'), wa,
                    tx == null ? null : tx.array(), tx == null ? 0 : tx.beta(),
                    tw == null ? null : tw.array(), tw == null ? 0 : tw.beta(),
                    tb == null ? null : tb.array(), tb == null ? 0 : tb.beta());
        }, inputs);
        return new BatchResult(out, k.mean(), k.biasedVar());
    }

    /**
     * Normalises {@code x} [N, C] with fixed statistics (evaluation mode):
     * {@code y = x·scale + shift}, {@code scale = γ/√(var + eps)}, {@code shift = β - mean·scale}.
     */
    public static Variable normalizeWithRunningStats(Variable x, Variable weight, Variable bias,
                                                     INDArray mean, INDArray var, double eps) {
        INDArray xa = x.value().array();
        INDArray invstd = Transforms.pow(var.castTo(xa.dataType()).add(eps), -0.5, false);
        INDArray m = mean.castTo(xa.dataType());
        INDArray scale = weight == null ? invstd : invstd.mul(weight.value().array());
        INDArray shift = m.mul(scale).negi();
        if (bias != null) {
            shift.addi(bias.value().array());
        }
        INDArray y = xa.mulRowVector(scale).addiRowVector(shift);
        return Variable.fromOp("batchNormEval", y, g -> {
            INDArray dx = x.requiresGrad() ? g.mulRowVector(scale) : null;
            if (weight == null) {
                return new INDArray[] {dx};
            }
            INDArray dWeight = weight.requiresGrad()
                    ? g.mul(xa.subRowVector(m).muliRowVector(invstd)).sum(0) : null;
            return new INDArray[] {dx, dWeight, g.sum(0)};
        }, inputs(x, weight, bias));
    }

    private static Variable[] inputs(Variable x, Variable weight, Variable bias) {
        if ((weight == null) != (bias == null)) {
            throw new IllegalArgumentException("BatchNorm1d: weight and bias must both be given or both be null");
        }
        return weight == null ? new Variable[] {x} : new Variable[] {x, weight, bias};
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + PyRepr.number(eps) + ", momentum=" + (momentum == null ? "None" : PyRepr.number(momentum))
                + ", affine=" + PyRepr.bool(affine) + ", track_running_stats=" + PyRepr.bool(trackRunningStats);
    }
}
