package io.jgrad.tensor.backend;

import io.jgrad.tensor.Rng;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backend seam: the numeric kernels the autograd engine, the layers, the losses and the
 * optimizers call where the two backends differ; {@link #get()} answers the implementation for
 * {@link Backend#current()}: {@code CpuOps} (direct BLAS and fused JVM passes over host memory) or
 * {@code Nd4jOps} (ND4J ops only, the path ND4J's CUDA backend runs).
 *
 * <p>What is enforced above it: no class of autograd, nn, optim, train, data or spark touches
 * BLAS or native memory, reads an array's elements or creates one from JVM data except through
 * {@code io.jgrad.tensor} and this package, which count every such copy ({@link Transfers},
 * {@link Backend#hostTransfers()}; checked by {@code SeamRulesTest}). What is not yet: those
 * modules still call ND4J's own array ops ({@code INDArray} arithmetic, {@code Nd4j},
 * {@code Transforms}, a few custom ops) directly where both backends run the same op.
 *
 * <p>Conventions: arrays are ND4J arrays of one element type (float32 or float64); a method
 * that takes a destination {@code dst} and a {@code beta} writes {@code dst = beta·dst + result}
 * ({@code beta = 0} ignores dst's contents, as BLAS does); "in place" methods return their
 * first argument. Results agree between backends within float32 rounding. Shape errors are
 * {@link IllegalArgumentException}s naming the op and the shapes.
 */
public interface Ops {

    /** The kernels of this process's backend ({@link Backend#current()}), created once. */
    static Ops get() {
        return Selected.OPS;
    }

    /**
     * The image kernels (convolution, pooling, per-channel BatchNorm) of the same backend: the
     * part of the seam that convolutional layers use, kept in its own interface for size.
     */
    ConvOps conv();

    /** A new instance of {@code backend}'s kernels, e.g. to compare the two. */
    static Ops of(Backend backend) {
        return backend == Backend.CPU ? new CpuOps() : new Nd4jOps();
    }

    /** Which backend these kernels are. */
    Backend backend();

    // ---------------------------------------------------------------- memory and copies

    /** A new row-major array for an op's result, contents undefined (a step temporary, see StepScope). */
    INDArray newArray(DataType type, long... shape);

    /** Copies {@code src} into the float32 array {@code dst} of {@code src.length} elements, row-major. */
    void write(float[] src, INDArray dst);

    /** The elements of {@code a} in row-major order, copied to the JVM heap as doubles. */
    double[] toDoubles(INDArray a);

    /**
     * Copies rows {@code rows[from..to)} of the row-major matrix {@code source} (rows of
     * {@code rowLength}) into consecutive rows of the float32 {@code [to - from, rowLength]}
     * array {@code dst} (the indices are already validated).
     */
    void gatherRows(float[] source, int rowLength, int[] rows, int from, int to, INDArray dst);

    // ---------------------------------------------------------------- matrix products

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c} for 2-d arrays, {@code op} transposing when its flag
     * is set; returns {@code c}.
     */
    INDArray gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta);

    /** {@code op(a)·op(b)} into a new array from {@link #newArray}. */
    default INDArray gemm(INDArray a, boolean transA, INDArray b, boolean transB) {
        long m = transA ? a.size(1) : a.size(0);
        long n = transB ? b.size(0) : b.size(1);
        Checks.gemm(a, transA, b, transB, null);
        return gemm(a, transA, b, transB, newArray(a.dataType(), m, n), 1.0, 0.0);
    }

    // ---------------------------------------------------------------- bias

    /** {@code y[i, j] += b[j]} in place for {@code y [N, C]}, {@code b [C]}. */
    INDArray addRowVector(INDArray y, INDArray b);

    /** {@code dst = beta·dst + Σ_i g[i, :]} for {@code g [N, C]}, {@code dst [C]}: a bias gradient. */
    INDArray columnSums(INDArray g, INDArray dst, double beta);

    // ---------------------------------------------------------------- activations

    /** {@code out = max(x, 0)} (NaN stays NaN) into {@code out} of x's shape. */
    INDArray relu(INDArray x, INDArray out);

    /** {@code dst = beta·dst + (out > 0 ? g : 0)} from the forward output {@code out}. */
    INDArray reluBackward(INDArray out, INDArray g, INDArray dst, double beta);

    /** {@code 1 / (1 + e^-x)} into a new array. */
    INDArray sigmoid(INDArray x);

    /** {@code g·out·(1 − out)} from the forward output. */
    INDArray sigmoidBackward(INDArray out, INDArray g);

    /** {@code tanh(x)} into a new array. */
    INDArray tanh(INDArray x);

    /** {@code g·(1 − out²)} from the forward output. */
    INDArray tanhBackward(INDArray out, INDArray g);

    /** Softmax along {@code axis}, {@code exp(x − max) / Σ exp(x − max)}. */
    INDArray softmax(INDArray x, int axis);

    /** {@code (g − Σ_axis g·out)·out} from the forward output. */
    INDArray softmaxBackward(INDArray out, INDArray g, int axis);

    /** Log-softmax along {@code axis}, {@code x − max − log Σ exp(x − max)}. */
    INDArray logSoftmax(INDArray x, int axis);

    /** {@code g − exp(out)·Σ_axis g} from the forward output. */
    INDArray logSoftmaxBackward(INDArray out, INDArray g, int axis);

    // ---------------------------------------------------------------- losses

    /**
     * The row-wise log-softmax of {@code logits / temperature} for {@code logits [n, c]},
     * computed stably in double on a heap copy ({@code n·c} values, row-major; one counted read):
     * for callers that need the log-probabilities on the heap. The fused losses no longer use it
     * ({@link #crossEntropy} and the other loss methods below).
     */
    default double[] rowLogSoftmax(INDArray logits, double temperature) {
        return HeapLogSoftmax.of(toDoubles(logits), (int) logits.size(0), (int) logits.size(1), temperature);
    }

    // ---------------------------------------------------------------- normalisation

    /**
     * Training-mode batch normalisation of {@code x [N, C]} with its own statistics into
     * {@code y} (x's shape), as PyTorch computes it ({@code cpu}: its one-thread CPU kernel bit for bit
     * in float32, see {@code BatchNormKernel}), {@code y = (x − mean)·invstd·γ + β}; {@code weight},
     * {@code bias} (γ, β of size C) may both
     * be null. The returned pass holds what its backward needs.
     */
    BatchNormPass batchNorm(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y);

    /**
     * Evaluation-mode batch normalisation with fixed statistics into {@code y}:
     * {@code y = x·scale + shift}, {@code scale = γ/√(var + eps)}, {@code shift = β − mean·scale}.
     */
    BatchNormPass batchNormEval(INDArray x, INDArray weight, INDArray bias, INDArray mean, INDArray var, double eps,
                                INDArray y);

    // ---------------------------------------------------------------- optimizer updates (all in place)

    /** {@code out = x + alpha·y} (PyTorch's {@code torch.add(x, y, alpha=alpha, out=out)}); out may be x. */
    INDArray axpy(INDArray x, double alpha, INDArray y, INDArray out);

    /**
     * One SGD step with an existing momentum buffer, PyTorch 1.13's order:
     * {@code d = g + λp; b = μb + (1−τ)d; d = nesterov ? d + μb : b; p = p − lr·d}.
     * {@code scratch} is an array like p the step may overwrite.
     */
    void sgdMomentum(INDArray p, INDArray g, INDArray buf, double lr, double momentum, double dampening,
                     boolean nesterov, double weightDecay, INDArray scratch);

    /**
     * One Adam step from the (already weight-decayed) gradient {@code d}:
     * {@code m = β₁m + (1−β₁)d; v = β₂v + (1−β₂)d²; v̂ = vMax ≠ null ? (vMax = max(vMax, v)) : v;
     * p = p − stepSize·m / (√v̂ / bias2Sqrt + eps)}.
     */
    void adam(INDArray p, INDArray d, INDArray m, INDArray v, INDArray vMax, double beta1, double beta2, double eps,
              double stepSize, double bias2Sqrt, INDArray scratch);

    /** One Adagrad step: {@code s = s + d²; p = p − clr·d / (√s + eps)}. */
    void adagrad(INDArray p, INDArray d, INDArray sum, double clr, double eps, INDArray scratch);

    /**
     * One RMSprop step: {@code s = αs + (1−α)d²}; centered ({@code gradAvg ≠ null}):
     * {@code a = αa + (1−α)d, r = √(s − a²) + eps}, else {@code r = √s + eps}; with a momentum
     * buffer {@code b = μb + d/r, p = p − lr·b}, else {@code p = p − lr·d/r}.
     */
    void rmsprop(INDArray p, INDArray d, INDArray squareAvg, INDArray gradAvg, INDArray buf, double lr, double alpha,
                 double eps, double momentum, INDArray scratch);

    // --- sequence models ---

    /**
     * One LSTM step after its two GEMMs. {@code gates [N, 4H]} holds the pre-activations
     * {@code x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh} in PyTorch's order i, f, g, o and is overwritten in
     * place by the activations {@code σ(i), σ(f), tanh(g), σ(o)} (what the backward needs); then
     * {@code cNew = f·cPrev + i·g} and {@code hNew = o·tanh(cNew)} ({@code [N, H]} each).
     */
    void lstmCell(INDArray gates, INDArray cPrev, INDArray cNew, INDArray hNew);

    /**
     * The backward of {@link #lstmCell}: from its activations {@code act [N, 4H]}, {@code cPrev},
     * {@code cNew} and the gradients {@code dh}, {@code dc} reaching {@code hNew} and {@code cNew},
     * writes the gradient of the pre-activations into {@code dGates [N, 4H]} and replaces
     * {@code dc} in place by the gradient of {@code cPrev} ({@code f·(dc + dh·o·(1 − tanh²cNew))}).
     */
    void lstmCellBackward(INDArray act, INDArray cPrev, INDArray cNew, INDArray dh, INDArray dc, INDArray dGates);

    /**
     * One GRU step after its two GEMMs, PyTorch's formulas: {@code gi = x·W_ihᵀ + b_ih} and
     * {@code gh = h·W_hhᵀ + b_hh} ({@code [N, 3H]}, order r, z, n);
     * {@code r = σ(gi_r + gh_r)}, {@code z = σ(gi_z + gh_z)}, {@code n = tanh(gi_n + r·gh_n)},
     * {@code hNew = (1 − z)·n + z·hPrev}. {@code gi} is overwritten in place by {@code r, z, n}.
     */
    void gruCell(INDArray gi, INDArray gh, INDArray hPrev, INDArray hNew);

    /**
     * The backward of {@link #gruCell}: from its activations {@code act [N, 3H]} (r, z, n), the
     * hidden projection {@code gh}, {@code hPrev} and the gradient {@code dh} reaching
     * {@code hNew}, writes the gradients of {@code gi} and {@code gh} into {@code dGi},
     * {@code dGh} and adds the direct part {@code dh·z} into {@code dhPrev}.
     */
    void gruCellBackward(INDArray act, INDArray gh, INDArray hPrev, INDArray dh, INDArray dGi, INDArray dGh,
                         INDArray dhPrev);

    /**
     * Batched products {@code alpha·op(a[i])·op(b[i])} of 3-d arrays {@code [B, m, k] x [B, k, n]}
     * into a new {@code [B, m, n]} array, {@code op} transposing the last two dimensions when its
     * flag is set: one batched call, never a loop per matrix above the backend.
     */
    INDArray batchedGemm(INDArray a, boolean transA, INDArray b, boolean transB, double alpha);

    /**
     * Sets, in place, every element of {@code scores [B, L, S]} above the top-left aligned
     * diagonal (column {@code j > i} in row {@code i}) to {@code value}: the causal mask of
     * PyTorch's {@code is_causal}.
     */
    void maskAboveDiagonal(INDArray scores, double value);

    // --- sequence models: integer tensors ---

    /**
     * {@code mask ≠ 0 ? value : x} elementwise into a new array of x's type, PyTorch's
     * {@code masked_fill}; {@code mask} (any type, x's rank) broadcasts to x's shape (e.g. a
     * causal {@code [1, L, L]} over {@code [N, L, L]}). Infinite and NaN values of {@code x} and
     * {@code value} pass through unchanged (a select, not arithmetic).
     */
    INDArray maskedFill(INDArray x, INDArray mask, double value);

    /**
     * The rows of {@code weight [num, dim]} named by the INT64 {@code indices [n]} (already
     * validated, e.g. by {@link Checks#indices}), as a new {@code [n, dim]} array: an embedding lookup.
     */
    INDArray embedding(INDArray weight, INDArray indices);

    /**
     * The gradient of an embedding's weight: a new {@code [num, dim]} array, zero except that
     * row {@code g[k]} is added onto row {@code indices[k]} (repeated indices accumulate).
     */
    INDArray embeddingBackward(INDArray g, INDArray indices, long num);

    /**
     * The fused cross entropy of {@code logits [n, c]} (float) against INT64 {@code targets} of
     * {@code n} elements (any shape: errors name positions in it),
     * rows whose target equals {@code ignoreIndex} left out of the mean (PyTorch's
     * {@code F.cross_entropy(..., ignore_index=...)}). The caller checks the target values
     * first ({@link Checks#targets(String, INDArray, io.jgrad.tensor.Tensor, long)}, which needs
     * no transfer for a batch made by {@code Tensor.ofLongs}); the {@code cpu} backend, which
     * reads them anyway, checks them again.
     *
     * @throws IllegalArgumentException for a targets length other than {@code n} (and on
     *         {@code cpu} naming the first counted target outside {@code [0, c)} and its position)
     */
    LossPass crossEntropy(INDArray logits, INDArray targets, long ignoreIndex);

    // --- device path ---

    /**
     * {@code F.cross_entropy(logits, labels, weight=w, label_smoothing=ε)} of {@code logits [N, C]}
     * (PyTorch 1.13's weighted mean, {@code Σ_i w[y_i]}-normalised), with its backward.
     */
    LossPass crossEntropy(INDArray logits, ClassLabels labels, double labelSmoothing);

    /** {@code F.mse_loss(prediction, target)} (mean over all elements); backward for both inputs. */
    LossPass mse(INDArray prediction, INDArray target);

    /** {@code F.binary_cross_entropy_with_logits(x, y)} (mean), stable; backward for both inputs. */
    LossPass bceWithLogits(INDArray logits, INDArray targets);

    /** {@code F.kl_div(logProbs, probs, reduction="batchmean")}, a term 0 where probs is 0; backward for both. */
    LossPass klDivergence(INDArray logProbs, INDArray probs);

    /**
     * Hinton's distillation loss {@code α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(s, y)}
     * ({@code labels} null drops the CE term); backward for the student logits only.
     */
    LossPass distillation(INDArray student, INDArray teacher, ClassLabels labels, double temperature, double alpha);

    /** The sum of all elements of {@code a} as a scalar array (shape {@code []}), 0 when empty. */
    INDArray sumAll(INDArray a);

    /** {@code a·s} into a new array, {@code s} a one-element array that stays where it is (no read). */
    INDArray mulScalar(INDArray a, INDArray s);

    /**
     * An inverted-dropout mask of {@code shape}: each element 0 with probability {@code p}, else
     * {@code 1/(1−p)}, drawn from {@code rng} (on {@code cpu} element by element on the host; on
     * {@code nd4j} by ND4J's generator on the device, seeded with one draw from {@code rng}), so
     * the same generator state gives the same mask on the same backend.
     */
    INDArray dropoutMask(Rng rng, double p, DataType type, long... shape);

    /** A new array of {@code shape} and {@code type} with every element the one-element array {@code s} (no read). */
    INDArray fill(INDArray s, DataType type, long... shape);

    /**
     * A BatchNorm layer's running-statistics update in place, PyTorch's:
     * {@code runningMean = (1−m)·runningMean + m·mean}, {@code runningVar = (1−m)·runningVar +
     * m·biasedVar·unbias} ({@code unbias = n/(n−1)}), from the batch statistics where the backend
     * holds them.
     */
    void updateRunningStats(INDArray runningMean, INDArray runningVar, BatchStats batch, double momentum, double unbias);

    // --- recurrent speed ---

    /**
     * One LSTM layer over a batch-first sequence as one backend op, PyTorch's formulas and gate
     * order (i, f, g, o): input {@code x [N, T, I]}, {@code wIh [4H, I]}, {@code bIh [4H]},
     * {@code wHh [4H, H]}, {@code bHh [4H]}, initial states {@code h0}, {@code c0 [N, H]} (shapes
     * checked by the caller). The input projections {@code x·W_ihᵀ + b_ih} of all steps are the
     * op's own GEMM. The result holds the outputs, the final states and the backward.
     */
    RecurrentPass lstmLayer(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray h0,
                            INDArray c0);

    /**
     * One GRU layer, PyTorch's formulas and gate order (r, z, n) with
     * {@code n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn))}: {@code x [N, T, I]},
     * {@code wIh [3H, I]}, {@code bIh [3H]}, {@code wHh [3H, H]}, {@code bHh [3H]}, {@code h0 [N, H]}.
     */
    RecurrentPass gruLayer(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray h0);

    // --- transformer speed ---

    /**
     * Layer normalisation of each row of {@code x [R, C]} into {@code y} (x's shape), PyTorch's
     * {@code F.layer_norm(x, (C,), weight, bias, eps)}: {@code y = (x − mean)·rstd·γ + β} with the
     * row's mean and biased variance, {@code rstd = 1/√(var + eps)}; {@code weight}, {@code bias}
     * ({@code [C]}) may both be null. The returned pass holds the statistics and the backward.
     */
    LayerNormPass layerNorm(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y);

    /** GELU, exact (erf) form, {@code x·Φ(x) = x/2·(1 + erf(x/√2))}, into a new array. */
    INDArray gelu(INDArray x);

    /** GELU's backward from the forward input: {@code g·(Φ(x) + x·φ(x))}, {@code φ(x) = e^{−x²/2}/√(2π)}, a new array. */
    INDArray geluBackward(INDArray x, INDArray g);

    /**
     * The softmax over the last dimension of attention scores {@code [B, L, S]}, with
     * {@code causal} first masking every column {@code j > i} of row {@code i} (top-left aligned,
     * PyTorch's {@code is_causal}: those get probability 0). The result may be {@code scores}
     * itself, overwritten: callers pass a temporary they no longer need.
     */
    INDArray attentionSoftmax(INDArray scores, boolean causal);

    /**
     * The backward of {@link #attentionSoftmax}: {@code (g − Σ g·out)·out} over the last
     * dimension from its output {@code attn}. The result may be {@code g} itself, overwritten:
     * callers pass a temporary they no longer need.
     */
    INDArray attentionSoftmaxBackward(INDArray attn, INDArray g);

    /**
     * Inverted dropout of {@code x} in training mode: each element kept with probability
     * {@code 1 − p} and scaled by {@code 1/(1−p)}, else 0, the decisions drawn from {@code rng} as
     * {@link #dropoutMask} draws them (so the same generator state gives the same output as
     * {@code x·dropoutMask(...)} on the same backend). The pass holds the output and the backward.
     */
    DropoutPass dropout(Rng rng, double p, INDArray x);

    // --- W7 speed ---

    /**
     * {@code c[i, j] = alpha·op(a[i, j])·op(b[i, j])} for 4-d arrays
     * {@code [B1, B2, m, k] x [B1, B2, k, n]} into {@code c [B1, B2, m, n]}, {@code op}
     * transposing the last two dimensions when its flag is set. Any of them may be a view, e.g. the
     * heads {@code [N, H, L, D]} of an {@code [N, L, H·D]} array ({@code reshape} then
     * {@code permute(0, 2, 1, 3)}): only c's elements are written, so attention reads and writes
     * its heads in place rather than through transposed copies.
     *
     * @throws IllegalArgumentException for shapes that do not fit, naming them
     */
    void batchedGemmInto(INDArray a, boolean transA, INDArray b, boolean transB, double alpha, INDArray c);

    // --- MLP loops, fifth pass ---

    /**
     * {@link #batchNorm} followed by an in-place ReLU ({@code y = max(batchNorm(x), 0)}) as one
     * kernel, whose pass's backward takes the gradient of the rectified output and masks it by
     * {@code y > 0} itself, or {@code null} when this backend has no such kernel for these arrays
     * (the caller then runs {@link #batchNorm}, {@link #relu} and {@link #reluBackward}). Values,
     * statistics and gradients are those of the three ops, bit for bit.
     */
    default BatchNormPass batchNormRelu(INDArray x, INDArray weight, INDArray bias, double eps, INDArray y) {
        return null;
    }
}
