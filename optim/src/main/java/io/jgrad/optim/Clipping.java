package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.NdArrays;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}
 * (PyTorch 1.13): gradients are changed in place; parameters without a gradient are ignored.
 */
public final class Clipping {
    private Clipping() {
    }

    /** {@link #clipGradNorm(Iterable, double, double)} with the L2 norm. */
    public static double clipGradNorm(Iterable<? extends Variable> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2);
    }

    /**
     * Scales all gradients together so their total norm is at most {@code maxNorm}:
     * {@code N = ‖(‖g₁‖, ‖g₂‖, …)‖} (p-norm, or the largest |g| for p = ∞),
     * {@code g ← g · min(1, maxNorm / (N + 1e-6))}.
     *
     * @param normType p of the p-norm ({@code > 0}), or {@link Double#POSITIVE_INFINITY}
     * @return the total norm before clipping
     */
    public static double clipGradNorm(Iterable<? extends Variable> params, double maxNorm, double normType) {
        return clipGradNormTensor(params, maxNorm, normType).getDouble(0);
    }

    /**
     * {@link #clipGradNorm(Iterable, double, double)} returning the total norm as a one-element
     * float64 tensor, as PyTorch's {@code clip_grad_norm_} does: the norms, the clip coefficient
     * and the scaling are computed where the gradients live, so on the {@code nd4j} backend
     * clipping reads nothing into the JVM (read the result with {@code item()} only when needed).
     */
    public static Tensor clipGradNormTensor(Iterable<? extends Variable> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be a finite number >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 or infinity, got " + normType);
        }
        List<INDArray> grads = grads("clipGradNorm", params);
        INDArray total = NdArrays.scalar(DataType.DOUBLE, 0.0);
        for (INDArray g : grads) {
            if (Double.isInfinite(normType)) {
                NdArrays.maxInPlace(total, g.amax().castTo(DataType.DOUBLE));
            } else if (normType == 2) {
                INDArray n = g.norm2().castTo(DataType.DOUBLE);
                total.addi(n.muli(n));
            } else {
                total.addi(NdArrays.pow(NdArrays.abs(g), normType).sum().castTo(DataType.DOUBLE));
            }
        }
        if (!Double.isInfinite(normType)) {
            total = normType == 2 ? NdArrays.sqrt(total) : NdArrays.pow(total, 1 / normType);
        }
        INDArray coef = NdArrays.minInPlace(total.add(1e-6).rdivi(maxNorm), 1.0);
        for (INDArray g : grads) {
            g.muli(coef.castTo(g.dataType()));
        }
        return Tensor.wrap(total);
    }

    /** Clamps every gradient element to {@code [-clipValue, clipValue]}. */
    public static void clipGradValue(Iterable<? extends Variable> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        }
        for (INDArray g : grads("clipGradValue", params)) {
            NdArrays.minInPlace(g, clipValue);
            NdArrays.maxInPlace(g, -clipValue);
        }
    }

    private static List<INDArray> grads(String op, Iterable<? extends Variable> params) {
        if (params == null) {
            throw new IllegalArgumentException(op + ": params is null");
        }
        List<INDArray> grads = new ArrayList<>();
        for (Variable p : params) {
            Tensor g = p.grad();
            if (g != null) {
                grads.add(g.array());
            }
        }
        return grads;
    }
}
