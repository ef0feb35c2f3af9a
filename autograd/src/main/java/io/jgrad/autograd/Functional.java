package io.jgrad.autograd;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.EarlyRelease;
import io.jgrad.tensor.backend.BatchStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused ops layers are built from, as PyTorch's {@code torch.nn.functional}: each is one
 * graph node whose backward writes its gradients straight into the engine's buffers. Layers in
 * {@code nn} call these; the engine's buffer rules stay inside this module.
 *
 * <pre>{@code
 * Variable h = Functional.linearRelu(x, weight, bias);   // relu(x·Wᵀ + b) as one fused op
 * }</pre>
 */
public final class Functional {
    private Functional() {
    }

    /**
     * A training-mode batch norm's output and the batch statistics it normalised with, held where
     * the backend computed them ({@link BatchStats}: on the device on {@code nd4j}).
     */
    public record BatchNormResult(Variable output, BatchStats stats) {
        /** A result with statistics on the heap. */
        public BatchNormResult(Variable output, double[] mean, double[] biasedVar) {
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
     * {@code F.linear(x, weight, bias)}: {@code y = x·Wᵀ + b} for {@code x [N, in]},
     * {@code W [out, in]}, {@code b [out]} (null for none).
     *
     * @throws IllegalArgumentException when the shapes or element types do not fit, naming them
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        return MatmulOps.linear(x, weight, bias);
    }

    /**
     * {@code F.relu(F.linear(x, weight, bias))} as one op: the same values and gradients, one
     * array and one pass fewer ({@code Sequential} uses it for a {@code Linear} followed by a
     * {@code ReLU}).
     *
     * @throws IllegalArgumentException as {@link #linear}
     */
    public static Variable linearRelu(Variable x, Variable weight, Variable bias) {
        return MatmulOps.linearRelu(x, weight, bias);
    }

    /**
     * {@code F.batch_norm(x, training=True)} over {@code x [N, C]}: normalised with the batch mean
     * and biased variance, then scaled by {@code weight} and shifted by {@code bias} (both null
     * for none).
     */
    public static BatchNormResult batchNorm(Variable x, Variable weight, Variable bias, double eps) {
        return NormOps.batchNorm(x, weight, bias, eps);
    }

    /**
     * {@code F.relu(F.batch_norm(x, training=True))} over {@code x [N, C]} as one node: the same
     * values, gradients and statistics as {@link #batchNorm} followed by {@link Variable#relu},
     * with one array and one node fewer ({@code nn.Sequential} uses it for a
     * {@code BatchNorm1d} directly followed by a {@code ReLU}).
     */
    public static BatchNormResult batchNormRelu(Variable x, Variable weight, Variable bias, double eps) {
        return NormOps.batchNormRelu(x, weight, bias, eps);
    }

    /**
     * {@code F.layer_norm(x, (C,), weight, bias, eps)} over the last dimension of {@code x [..., C]}:
     * each row normalised with its mean and biased variance, then scaled by {@code weight} and
     * shifted by {@code bias} ({@code [C]}, both null for none). One node with a fused backward.
     *
     * @throws IllegalArgumentException when the shapes or element types do not fit, naming them
     */
    public static Variable layerNorm(Variable x, Variable weight, Variable bias, double eps) {
        return NormOps.layerNorm(x, weight, bias, eps);
    }

    /** {@code F.batch_norm(x, mean, var, training=False)} over {@code x [N, C]} with fixed statistics. */
    public static Variable batchNormEval(Variable x, Variable weight, Variable bias, INDArray mean, INDArray var,
                                         double eps) {
        return NormOps.batchNormEval(x, weight, bias, mean, var, eps);
    }

    // --- sequence models ---

    /** One LSTM layer's outputs {@code [N, T, H]} and its final hidden and cell states {@code [N, H]}. */
    public record LstmResult(Variable output, Variable h, Variable c) {
    }

    /** One GRU layer's outputs {@code [N, T, H]} and its final hidden state {@code [N, H]}. */
    public record GruResult(Variable output, Variable h) {
    }

    /**
     * One LSTM layer over a batch-first sequence, PyTorch's formulas and gate order (i, f, g, o):
     * input {@code x [N, T, I]}, {@code weightIh [4H, I]}, {@code biasIh [4H]},
     * {@code weightHh [4H, H]}, {@code biasHh [4H]}, initial states {@code h0}, {@code c0 [N, H]}.
     * One graph node whatever T: the input projections of all steps are one GEMM, then per step
     * one GEMM and one fused backend cell, forward and backward.
     *
     * @throws IllegalArgumentException when the shapes or element types do not fit, naming them
     */
    public static LstmResult lstmLayer(Variable x, Variable weightIh, Variable biasIh, Variable weightHh,
                                       Variable biasHh, Variable h0, Variable c0) {
        return RecurrentOps.lstm(x, weightIh, biasIh, weightHh, biasHh, h0, c0);
    }

    /**
     * One GRU layer, PyTorch's formulas and gate order (r, z, n) with
     * {@code n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn))}: {@code x [N, T, I]},
     * {@code weightIh [3H, I]}, {@code biasIh [3H]}, {@code weightHh [3H, H]}, {@code biasHh [3H]},
     * {@code h0 [N, H]}.
     *
     * @throws IllegalArgumentException when the shapes or element types do not fit, naming them
     */
    public static GruResult gruLayer(Variable x, Variable weightIh, Variable biasIh, Variable weightHh,
                                     Variable biasHh, Variable h0) {
        return RecurrentOps.gru(x, weightIh, biasIh, weightHh, biasHh, h0);
    }

    /**
     * {@code softmax(q·kᵀ/√E + mask)·v} for {@code q [..., L, E]}, {@code k [..., S, E]},
     * {@code v [..., S, Ev]} (leading dimensions broadcast), with the elements above the
     * top-left aligned diagonal masked out when {@code causal}: PyTorch's
     * {@code F.scaled_dot_product_attention(q, k, v, is_causal=causal)} with dropout 0. One node;
     * batched GEMMs over the flattened leading dimensions.
     *
     * @throws IllegalArgumentException when the shapes or element types do not fit, naming them
     */
    public static Variable scaledDotProductAttention(Variable q, Variable k, Variable v, boolean causal) {
        return AttentionOps.scaledDotProductAttention(q, k, v, causal);
    }

    /**
     * Multi-head attention's core: {@code q [N, L, H·D]}, {@code k}, {@code v [N, S, H·D]} split
     * into {@code heads} heads of D columns each, {@link #scaledDotProductAttention} per head, the
     * heads concatenated back into {@code [N, L, H·D]}; PyTorch's
     * {@code F.scaled_dot_product_attention(q.view(N, L, H, D).transpose(1, 2), ..., is_causal=causal)
     * .transpose(1, 2).reshape(N, L, H·D)}. One node, the heads read and written in place.
     *
     * @throws IllegalArgumentException when the shapes or element types do not fit, naming them
     */
    public static Variable headsAttention(Variable q, Variable k, Variable v, int heads, boolean causal) {
        return AttentionOps.headsAttention(q, k, v, heads, causal);
    }

    /**
     * {@link #headsAttention} of the column blocks {@code q, k, v} of a packed
     * {@code qkv [N, L, 3·H·D]} (self-attention after one packed input projection, as PyTorch's
     * {@code in_proj}), read in place; the gradient is one packed array.
     *
     * @throws IllegalArgumentException when the shape does not fit, naming it
     */
    public static Variable headsSelfAttention(Variable qkv, int heads, boolean causal) {
        return AttentionOps.headsSelfAttention(qkv, heads, causal);
    }

    /**
     * Batch normalisation's inference form, {@code x·α + β} per channel (dimension 1) of
     * {@code x [N, C, ...]}, {@code α} and {@code β} of {@code C} elements (any shape) and x's type:
     * what {@code BatchNorm2d} computes in evaluation mode, with {@code α = γ/√(σ² + eps)} and
     * {@code β = b − μ·α} from the running statistics (PyTorch's CPU inference form). While no graph
     * is recorded for its inputs (evaluation under {@link Variable#noGrad}), one pass and one new
     * array where the backend has the kernel (float32 on {@code cpu}); otherwise {@code x·α + β} as
     * broadcasting ops, with their gradients. The same values either way.
     *
     * @throws IllegalArgumentException when x is not at least 2-d or α, β do not hold C elements
     */
    public static Variable channelAffine(Variable x, Variable alpha, Variable beta) {
        return ConvolutionOps.channelAffine(x, alpha, beta);
    }

    /**
     * {@code F.batch_norm(x, training=True)} over {@code x [N, C, H, W]} per channel, with the
     * batch statistics it used (as {@link Variable#batchNorm2d}, which copies them to the heap).
     */
    public static BatchNormResult batchNorm2d(Variable x, Variable weight, Variable bias, double eps) {
        return ConvolutionOps.batchNorm2d(x, weight, bias, eps);
    }

    /**
     * Runs {@code layer} (one layer's forward on {@code x}) and lets the engine hand its result's
     * memory back to the cache once backward has consumed it ({@link io.jgrad.tensor.EarlyRelease}),
     * instead of after a garbage collection. Only for a result that <b>no code can reach but the
     * graph</b>: {@code Sequential} uses it between built-in layers (Linear, BatchNorm1d, ReLU,
     * Conv2d, BatchNorm2d, MaxPool2d), which keep no reference to their inputs or outputs, never
     * for its own output. With no graph recorded, a retained graph or a result that is not a fresh cache block of its own (a view,
     * the nd4j backend), nothing changes: the collector returns it as before.
     */
    public static Variable intermediate(java.util.function.UnaryOperator<Variable> layer, Variable x) {
        EarlyRelease.Captured<Variable> made = EarlyRelease.captured(() -> layer.apply(x), v -> v.value().array());
        Variable out = made.value();
        EarlyRelease.Handle h = out.gradFn == null ? null : made.handle();
        if (h != null && out != x) {
            out.valueRelease = h;
            h.pledge();                             // it comes back without a collection
        }
        return out;
    }

    // --- conv4: ReLU fused into max pooling ---

    /**
     * {@code F.max_pool2d(F.relu(x), kernel, stride, padding)} over {@code x [N, C, H, W]} as one
     * node where the backend has the fused kernel (float32 on {@code cpu}): the same values and
     * gradient as {@link Variable#relu} followed by {@link Variable#maxPool2d}, without the
     * rectified array and the ReLU's passes over it ({@code nn.Sequential} uses it for a
     * {@code ReLU} directly followed by a {@code MaxPool2d}); elsewhere the two ops composed.
     *
     * @throws IllegalArgumentException as {@link Variable#maxPool2d}, or for a non-floating {@code x}
     */
    public static Variable reluMaxPool2d(Variable x, int kernel, int stride, int padding) {
        DType.checkFloating("reluMaxPool2d", x.value().dtype());
        return ConvolutionOps.reluMaxPool2d(x, kernel, stride, padding);
    }

    /**
     * {@code F.max_pool2d(F.relu(F.batch_norm(x, training=True)), kernel, stride, padding)} over
     * {@code x [N, C, H, W]} as one node where the backend has the fused kernel (float32 on
     * {@code cpu}): the same values, batch statistics and gradients as {@link #batchNorm2d},
     * {@link Variable#relu} and {@link Variable#maxPool2d} composed, without the normalised and
     * rectified arrays ({@code nn.Sequential} uses it for a training-mode {@code BatchNorm2d}
     * directly followed by a {@code ReLU} and a {@code MaxPool2d}); elsewhere the ops composed.
     *
     * @throws IllegalArgumentException as {@link #batchNorm2d} and {@link Variable#maxPool2d}
     */
    public static BatchNormResult batchNorm2dReluMaxPool2d(Variable x, Variable weight, Variable bias, double eps,
                                                          int kernel, int stride, int padding) {
        DType.checkFloating("batchNorm2dReluMaxPool2d", x.value().dtype());
        return ConvolutionOps.batchNorm2dReluMaxPool2d(x, weight, bias, eps, kernel, stride, padding);
    }
}
