package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;

/**
 * Rescales gradients whose global norm is too large, PyTorch's
 * {@code torch.nn.utils.clip_grad_norm_} (Pascanu et al. 2013):
 * {@code total = sqrt(Σ_p ‖g_p‖²)}, then every {@code g_p ← g_p · min(1, maxNorm / (total + 1e-6))}.
 */
public final class GradClipping {
    private GradClipping() {
    }

    /**
     * Clips in place and returns the total norm before clipping (like PyTorch, a non-finite
     * norm is returned and the gradients become non-finite too).
     */
    public static double clipGradNorm(Iterable<? extends Variable> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be positive, got " + maxNorm);
        }
        double sumSquares = 0;
        for (Variable p : params) {
            Tensor g = p.grad();
            if (g != null) {
                double n = g.array().norm2Number().doubleValue();
                sumSquares += n * n;
            }
        }
        double total = Math.sqrt(sumSquares);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1 || Double.isNaN(coef)) {
            for (Variable p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    g.array().muli(coef);
                }
            }
        }
        return total;
    }
}
