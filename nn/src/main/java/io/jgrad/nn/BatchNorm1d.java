package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.EarlyRelease;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BatchStats;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

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

    /** Whether evaluation mode uses running statistics (else it normalises with the batch's own). */
    public boolean tracksRunningStats() {
        return trackRunningStats;
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
        return forward(x, false);
    }

    /**
     * {@code relu(forward(x))}; with batch statistics one fused op ({@link Functional#batchNormRelu}:
     * the same values, gradients and running statistics, one array fewer). {@link Sequential}
     * calls it for a {@code BatchNorm1d} directly followed by a {@code ReLU}.
     */
    Variable forwardRelu(Variable x) {
        return forward(x, true);
    }

    private Variable forward(Variable x, boolean relu) {
        long[] s = x.shape();
        if (s.length != 2 || s[1] != features) {
            throw new IllegalArgumentException("BatchNorm1d(" + features + ").forward: expected input [batch, "
                    + features + "], got " + Shapes.str(s));
        }
        return normalizeRows(x, s, relu);
    }

    /**
     * The layer's work on {@code rows} (M values per channel): batch statistics
     * and a running-statistics update in training mode, the running statistics in evaluation mode.
     * {@code inputShape} is the caller's input shape, for messages. Subclasses over other layouts
     * (BatchNorm2d) override {@link #batchNormalize} and {@link #runningNormalize} and call this.
     */
    protected Variable normalizeRows(Variable rows, long[] inputShape) {
        return normalizeRows(rows, inputShape, false);
    }

    /** {@link #normalizeRows(Variable, long[])}, rectified when {@code relu} (fused with batch statistics). */
    private Variable normalizeRows(Variable rows, long[] inputShape, boolean relu) {
        return relu ? normalizeRows(rows, inputShape, this::batchNormalizeRelu, Variable::relu)
                : normalizeRows(rows, inputShape, this::batchNormalize, y -> y);
    }

    /**
     * {@link #normalizeRows(Variable, long[])} followed by more ops: {@code batch} normalises with
     * the batch statistics and applies them (fused), {@code then} applies them after the running
     * statistics' normalisation. Package-private: for {@link Sequential}'s fusions.
     */
    Variable normalizeRows(Variable rows, long[] inputShape, java.util.function.Function<Variable, BatchResult> batch,
                           java.util.function.UnaryOperator<Variable> then) {
        if (weight != null && rows.value().dtype() != weight.value().dtype()) {
            throw new IllegalArgumentException(opName() + ".forward: input is " + rows.value().dtype()
                    + " but the parameters are " + weight.value().dtype());
        }
        if (!isTraining() && trackRunningStats) {
            return evaluate(rows, then);
        }
        long m = Shapes.size(rows.shape()) / features;
        if (isTraining() && m <= 1) {
            throw new IllegalArgumentException(opName() + ".forward: expected more than 1 value per channel when training,"
                    + " got input " + Shapes.str(inputShape));
        }
        BatchResult r = batch.apply(rows);
        if (isTraining() && trackRunningStats) {
            updateRunningStats(r, m);
        }
        return r.output();
    }

    /**
     * {@code then} of the running statistics' normalisation. With no graph recorded and a fused
     * {@code then} (Sequential's ReLU, or ReLU and max pooling), the normalised array is read by
     * {@code then} alone, so its memory goes back to the cache as soon as {@code then} has run
     * rather than after a collection (an evaluation batch of 1,000 images through the cnn example's
     * first {@code BatchNorm2d} makes 100 MB of it).
     */
    private Variable evaluate(Variable rows, java.util.function.UnaryOperator<Variable> then) {
        if (Variable.isGradEnabled()) {
            return then.apply(runningNormalize(rows));
        }
        EarlyRelease.Captured<Variable> y = EarlyRelease.captured(() -> runningNormalize(rows), v -> v.value().array());
        Variable out = then.apply(y.value());
        if (y.handle() != null && out != y.value()) {        // then made a new array (not the identity)
            y.handle().release();
        }
        return out;
    }

    /** The module as its messages name it, e.g. {@code BatchNorm2d(32)}: built only for a message, never per step. */
    private String opName() {
        return getClass().getSimpleName() + "(" + features + ")";
    }

    /** Normalises with the batch statistics; BatchNorm1d's input is rows [M, C]. */
    protected BatchResult batchNormalize(Variable x) {
        return normalizeWithBatchStats(x, weight, bias, eps);
    }

    /** {@link #batchNormalize} then ReLU, as one op (only {@code BatchNorm1d} itself: {@link Sequential} checks the class). */
    private BatchResult batchNormalizeRelu(Variable x) {
        Functional.BatchNormResult r = Functional.batchNormRelu(x, weight, bias, eps);
        return new BatchResult(r.output(), r.stats());
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
        numBatchesTracked.array().addi(1);                      // on the device, no read
        double m = momentum == null ? 1.0 / numBatchesTracked() : momentum;   // a cumulative average reads the count
        Ops.get().updateRunningStats(runningMean.array(), runningVar.array(), r.stats(), m, n / (double) (n - 1));
    }

    /**
     * A batch-statistics forward: the output and the batch mean and biased variance it used,
     * held where the backend computed them.
     */
    public record BatchResult(Variable output, BatchStats stats) {
        /** A result with statistics on the heap. */
        public BatchResult(Variable output, double[] mean, double[] biasedVar) {
            this(output, BatchStats.of(mean, biasedVar));
        }

        /** The batch mean on the heap (one read from the device on {@code nd4j}). */
        public double[] mean() {
            return stats.mean();
        }

        /** The biased batch variance on the heap (one read from the device on {@code nd4j}). */
        public double[] biasedVar() {
            return stats.biasedVar();
        }
    }

    /**
     * Normalises {@code x} [N, C] with its own batch statistics (training mode) and applies
     * {@code weight} and {@code bias} when not null; one fused node with the closed-form
     * backward ({@link Functional#batchNorm}). Usable on its own, e.g. for float64 gradient checks.
     */
    public static BatchResult normalizeWithBatchStats(Variable x, Variable weight, Variable bias, double eps) {
        Functional.BatchNormResult r = Functional.batchNorm(x, weight, bias, eps);
        return new BatchResult(r.output(), r.stats());
    }

    /**
     * Normalises {@code x} [N, C] with fixed statistics (evaluation mode):
     * {@code y = x·scale + shift}, {@code scale = γ/√(var + eps)}, {@code shift = β - mean·scale}
     * ({@link Functional#batchNormEval}).
     */
    public static Variable normalizeWithRunningStats(Variable x, Variable weight, Variable bias,
                                                     INDArray mean, INDArray var, double eps) {
        return Functional.batchNormEval(x, weight, bias, mean, var, eps);
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + PyRepr.number(eps) + ", momentum=" + (momentum == null ? "None" : PyRepr.number(momentum))
                + ", affine=" + PyRepr.bool(affine) + ", track_running_stats=" + PyRepr.bool(trackRunningStats);
    }
}
