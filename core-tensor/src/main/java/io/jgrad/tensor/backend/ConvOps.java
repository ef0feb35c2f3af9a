package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The convolution and pooling kernels behind jgrad's {@code conv2d}, {@code maxPool2d} and
 * {@code avgPool2d} ops, one implementation per {@link Backend}: {@link CpuConvOps} (im2col /
 * col2im in the JVM and direct BLAS GEMMs over reused buffers) and {@link Nd4jConvOps} (ND4J's
 * declarable conv and pooling ops only, no host pointers). Layouts are PyTorch's: input
 * {@code [N, C, H, W]}, weight {@code [OC, C, kH, kW]}, bias {@code [OC]}; arrays are dense
 * row-major, shapes already checked by the caller (the autograd op). Kept apart from the
 * general ops seam so the two can be merged without touching each other's kernels.
 */
public interface ConvOps {
    /** Cross-correlation {@code y[n, o] = b[o] + Σ_c w[o, c] ⋆ x[n, c]}, zero padding; {@code bias} may be null. */
    INDArray conv2d(INDArray x, INDArray weight, INDArray bias, Conv2dSpec s);

    /**
     * The gradients of {@link #conv2d} for output gradient {@code g}: {@code [dx, dw, db]}. The input's
     * goes into {@code dx} when it is not null ({@code dx = betaX·dx + ∂L/∂x}, dense row-major, so
     * the autograd engine's reused buffers take it without a fresh multi-MB array); {@code dw} and
     * {@code db} are new arrays, each computed only when its flag is set (null otherwise; {@code db}
     * also null without a bias).
     */
    INDArray[] conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray g, Conv2dSpec s,
                              INDArray dx, double betaX, boolean needW, boolean needB);

    /** Max over each window (padding never wins, as PyTorch's implicit −∞ padding). */
    MaxPool2dResult maxPool2d(INDArray x, Conv2dSpec s);

    /**
     * The gradient of {@link #maxPool2d}: each window's {@code g} goes to its first maximal element
     * (its last NaN if it holds any, as PyTorch's scan; the one {@code forward} recorded, when it did),
     * written as {@code dx = beta·dx + ∂L/∂x} into {@code dx} (dense row-major, {@code x}'s shape).
     */
    void maxPool2dBackward(INDArray x, INDArray g, Conv2dSpec s, MaxPool2dResult forward, INDArray dx, double beta);

    /** Mean over each window, padded zeros counted (PyTorch's {@code count_include_pad=True}). */
    INDArray avgPool2d(INDArray x, Conv2dSpec s);

    /** The gradient of {@link #avgPool2d}, an array of {@code xShape}. */
    INDArray avgPool2dBackward(long[] xShape, INDArray g, Conv2dSpec s);

    /**
     * Training-mode batch normalisation of {@code [N, C, H, W]} per channel over {@code N·H·W}
     * values: {@code y = (x − μ)/√(σ² + eps)·γ + β} with the biased batch variance; {@code weight}
     * and {@code bias} may both be null. Statistics are accumulated in double on {@code cpu}, as
     * PyTorch's CPU kernel; in the input's type on {@code nd4j}, as PyTorch's CUDA kernel.
     */
    BatchNorm2dResult batchNorm2d(INDArray x, INDArray weight, INDArray bias, double eps);

    /**
     * Batch normalisation's inference form over {@code x [N, C, …]}: {@code y[n, c, …] =
     * x[n, c, …]·α[c] + β[c]} (the running statistics folded into {@code α = γ/√(σ² + eps)} and
     * {@code β = b − μ·α} by the caller), a new array of x's shape and type; {@code alpha} and
     * {@code beta} hold {@code C} elements of x's type (any shape). One multiply and one add per
     * element, each rounded: the bits of {@code x.mul(α).add(β)} broadcast over the channels.
     */
    INDArray channelAffine(INDArray x, INDArray alpha, INDArray beta);

    /**
     * The gradients of {@link #batchNorm2d} (PyTorch's closed form): {@code [dx, dγ, dβ]}, dx only
     * when {@code dx} is not null, written into it as {@code dx = betaX·dx + ∂L/∂x}; dγ and dβ (new
     * arrays) only with a weight.
     */
    INDArray[] batchNorm2dBackward(INDArray x, INDArray g, INDArray weight, BatchNorm2dResult forward, double eps,
                                   INDArray dx, double betaX);

    /** {@code dst = beta·dst + grad} with ND4J ops, for kernels that computed a gradient into a new array. */
    static void accumulate(INDArray dst, double beta, INDArray grad) {
        if (beta == 0) {
            dst.assign(grad);
        } else if (beta == 1) {
            dst.addi(grad);
        } else {
            dst.muli(beta).addi(grad);
        }
    }

    /**
     * A {@link #maxPool2d} output with, when the backend recorded them, each window's winner as its
     * offset {@code i·kW + j} in the window (output order); null when the backward searches again.
     */
    record MaxPool2dResult(INDArray output, byte[] winners) {
    }

    /** A {@link #batchNorm2d} output with the per-channel batch mean and biased variance it used. */
    record BatchNorm2dResult(INDArray output, BatchStats stats) {
        /** An output with statistics computed on the heap. */
        public BatchNorm2dResult(INDArray output, double[] mean, double[] biasedVar) {
            this(output, BatchStats.of(mean, biasedVar));
        }

        /** The batch mean on the heap. */
        public double[] mean() {
            return stats.mean();
        }

        /** The biased batch variance on the heap. */
        public double[] biasedVar() {
            return stats.biasedVar();
        }
    }

    // --- conv4: ReLU fused into max pooling ---

    /**
     * {@link #maxPool2d} of {@code relu(x)} in one pass over {@code x}, with the same output and,
     * through {@link #maxPool2dBackward} with this result, the same gradient for {@code x} as
     * the ReLU and the pooling composed (the ReLU's mask folded into the recorded winners); null
     * when this backend has no such kernel for {@code x} (the caller then composes the two).
     */
    default MaxPool2dResult reluMaxPool2d(INDArray x, Conv2dSpec s) {
        return null;
    }

    /**
     * {@link #conv2d} for a training step whose backward needs the weight gradient: where the
     * backend can, the per-image columns its forward unfolds are kept in the result, so that
     * {@link #conv2dBackward(INDArray, INDArray, boolean, INDArray, Conv2dSpec, INDArray, double, boolean, boolean, Conv2dResult)}
     * reads them instead of unfolding each image again. The caller {@link Conv2dResult#release}s
     * them once no backward can come any more (otherwise the collector returns them).
     */
    default Conv2dResult conv2dKeepingColumns(INDArray x, INDArray weight, INDArray bias, Conv2dSpec s) {
        return new Conv2dResult(conv2d(x, weight, bias, s), null);
    }

    /** {@link #conv2dBackward} after {@link #conv2dKeepingColumns}, reading the columns {@code forward} kept, if any. */
    default INDArray[] conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray g, Conv2dSpec s,
                                      INDArray dx, double betaX, boolean needW, boolean needB, Conv2dResult forward) {
        return conv2dBackward(x, weight, hasBias, g, s, dx, betaX, needW, needB);
    }

    /** A {@link #conv2d} output with the per-image columns its forward kept (null when none were). */
    record Conv2dResult(INDArray output, BufferCache.Leased columns) {
        /** Returns the kept columns' memory now; the backward must not run again after this. Idempotent. */
        public void release() {
            if (columns != null) {
                columns.release();
            }
        }
    }

    /**
     * Training-mode {@link #batchNorm2d}, then ReLU, then {@link #maxPool2d} with {@code pool}, as one
     * pass: the output is the pooled array (with the batch statistics), bit for bit what the three
     * composed give, and the normalised array is never written; null when this backend has no such
     * kernel for {@code x} (the caller then composes them).
     */
    default BatchNorm2dPoolResult batchNorm2dReluMaxPool2d(INDArray x, INDArray weight, INDArray bias, double eps,
                                                          Conv2dSpec pool) {
        return null;
    }

    /**
     * The gradients of {@link #batchNorm2dReluMaxPool2d} for the pooled output's gradient {@code g}:
     * {@code [dx, dγ, dβ]} as {@link #batchNorm2dBackward} gives them.
     */
    default INDArray[] batchNorm2dReluMaxPool2dBackward(INDArray x, INDArray g, INDArray weight,
                                                        BatchNorm2dPoolResult forward, double eps, Conv2dSpec pool,
                                                        INDArray dx, double betaX) {
        throw new UnsupportedOperationException("batchNorm2dReluMaxPool2d backward: this backend has no fused kernel");
    }

    /** A {@link #batchNorm2dReluMaxPool2d} result: the pooled output and statistics, and each window's winner. */
    record BatchNorm2dPoolResult(BatchNorm2dResult norm, byte[] winners) {
    }

    // --- conv5: the weight gradient written into the engine's buffer ---

    /**
     * {@link #conv2dBackward(INDArray, INDArray, boolean, INDArray, Conv2dSpec, INDArray, double, boolean, boolean,
     * Conv2dResult)} with the weight gradient written into {@code dw = betaW·dw + dW} (the engine's
     * buffer for it, null when none is needed) instead of a new array, which would otherwise wait for
     * a collection; returns {@code [dx, dw, db]}. This default writes the returned gradient in; the
     * cpu backend writes its sum straight in.
     */
    default INDArray[] conv2dBackwardInto(INDArray x, INDArray weight, boolean hasBias, INDArray g, Conv2dSpec s,
                                          INDArray dx, double betaX, INDArray dw, double betaW, boolean needB,
                                          Conv2dResult forward) {
        INDArray[] d = conv2dBackward(x, weight, hasBias, g, s, dx, betaX, dw != null, needB, forward);
        if (dw != null) {
            accumulate(dw, betaW, d[1]);
            d[1] = dw;
        }
        return d;
    }
}
