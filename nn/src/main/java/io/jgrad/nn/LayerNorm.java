package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;

/**
 * Layer normalisation over the last dimension (Ba et al., 2016), PyTorch's {@code nn.LayerNorm(d)}:
 * {@code y = (x − mean)/√(var + eps)·γ + β} with the biased variance of each row, eps 1e-5,
 * γ (key {@code weight}, init 1) and β ({@code bias}, init 0). One fused op
 * ({@link Functional#layerNorm}): a forward pass per row and PyTorch's closed-form backward.
 *
 * <pre>{@code
 * Variable y = new LayerNorm(64).forward(x);   // normalizes x's last dimension (64)
 * }</pre>
 */
public class LayerNorm extends Module {
    private final int size;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(int normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    /** With {@code eps} and, if {@code elementwiseAffine}, learned γ and β. */
    public LayerNorm(int normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape <= 0 || !(eps >= 0)) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must be positive and eps non-negative, got "
                    + normalizedShape + " and " + eps);
        }
        this.size = normalizedShape;
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", new Parameter(Tensor.ones(normalizedShape))) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", new Parameter(Tensor.zeros(normalizedShape))) : null;
    }

    /** The size of the normalised last dimension. */
    public int normalizedShape() {
        return size;
    }

    public double eps() {
        return eps;
    }

    /** γ, or null without elementwise affine. */
    public Parameter weight() {
        return weight;
    }

    /** β, or null without elementwise affine. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != size) {
            throw new IllegalArgumentException("LayerNorm(" + size + ").forward: expected input [..., " + size + "], got "
                    + Shapes.str(s));
        }
        return Functional.layerNorm(x, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return "(" + size + ",), eps=" + PyRepr.number(eps) + ", elementwise_affine=" + PyRepr.bool(weight != null);
    }
}
