package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.NdArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation of images {@code [N, C, H, W]} per channel over {@code N·H·W} values,
 * PyTorch's {@code nn.BatchNorm2d}. It is a {@link BatchNorm1d} (the same options, state-dict
 * keys, train/eval rules and running-statistics update, with {@code running_var} from the
 * unbiased variance over {@code N·H·W} values) whose two normalisations work on the image
 * layout directly: {@link Variable#batchNorm2d} in training mode, a per-channel affine map of
 * the running statistics in evaluation mode ({@code x·α + β}, as PyTorch's CPU kernel).
 *
 * <pre>{@code
 * new BatchNorm2d(32);
 * new BatchNorm2d(BatchNorm1d.builder(32).momentum(null).affine(false));
 * }</pre>
 */
public class BatchNorm2d extends BatchNorm1d {
    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int channels) {
        this(BatchNorm1d.builder(channels));
    }

    /** The options of {@code options} (a {@link BatchNorm1d#builder} over the channel count). */
    public BatchNorm2d(BatchNorm1d.Builder options) {
        super(options);
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        if (s.length != 4 || s[1] != numFeatures()) {
            throw new IllegalArgumentException("BatchNorm2d(" + numFeatures() + ").forward: expected input [N, "
                    + numFeatures() + ", H, W], got " + Shapes.str(s));
        }
        return normalizeRows(x, s);
    }

    /**
     * {@code pool.forward(relu(forward(x)))}; with batch statistics one fused op
     * ({@link Functional#batchNorm2dReluMaxPool2d}: the same values, gradients and running
     * statistics, without the normalised and rectified arrays). {@link Sequential} calls it for a
     * {@code BatchNorm2d} directly followed by a {@code ReLU} and a {@code MaxPool2d}.
     */
    Variable forwardReluMaxPool(Variable x, MaxPool2d pool) {
        long[] s = x.shape();
        if (s.length != 4 || s[1] != numFeatures()) {
            return pool.forward(forward(x).relu());        // forward names the bad shape
        }
        int k = pool.kernelSize();
        int st = pool.stride();
        int pad = pool.padding();
        return normalizeRows(x, s, v -> {
            Functional.BatchNormResult r = Functional.batchNorm2dReluMaxPool2d(v, weight(), bias(), eps(), k, st, pad);
            return new BatchResult(r.output(), r.stats());
        }, y -> Functional.reluMaxPool2d(y, k, st, pad));
    }

    @Override
    protected BatchResult batchNormalize(Variable x) {
        Functional.BatchNormResult r = Functional.batchNorm2d(x, weight(), bias(), eps());
        return new BatchResult(r.output(), r.stats());
    }

    @Override
    protected Variable runningNormalize(Variable x) {
        DataType type = x.value().array().dataType();
        long c = numFeatures();
        INDArray var = runningVar().array().castTo(type).add(eps()).reshape(1, c, 1, 1);
        Variable invstd = Variable.constant(Tensor.wrap(NdArrays.pow(var, -0.5)));
        Variable mean = Variable.constant(Tensor.wrap(runningMean().array().castTo(type).reshape(1, c, 1, 1)));
        if (weight() == null) {
            return x.sub(mean).mul(invstd);
        }
        // PyTorch's CPU inference form: y = x·α + β with α = γ·invstd, β = b − μ·α, so two passes
        // over the images instead of four (each a fresh array); α and β are per-channel and small
        Variable alpha = weight().reshape(1, c, 1, 1).mul(invstd);
        Variable beta = bias().reshape(1, c, 1, 1).sub(mean.mul(alpha));
        return Functional.channelAffine(x, alpha, beta);       // one pass and one array in evaluation
    }
}
