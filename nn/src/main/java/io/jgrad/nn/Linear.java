package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;

/**
 * A fully connected layer, {@code y = x·Wᵀ + b}, with weight {@code [out, in]} and bias
 * {@code [out]} initialised as PyTorch does (kaiming-uniform with a = √5, i.e. uniform
 * ±1/√in for both). Forward and backward are single fused nodes: one GEMM with a transpose
 * flag plus a row-vector bias add forward, two GEMMs and a column sum backward.
 *
 * <pre>{@code
 * Linear fc = new Linear(784, 10);                                    // weight [10, 784], bias [10]
 * Variable logits = fc.forward(Variable.constant(Tensor.zeros(32, 784))); // [32, 10]
 * }</pre>
 */
public class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer with bias, initialised from the global generator ({@link Rng#manualSeed}). */
    public Linear(int in, int out) {
        this(in, out, true, Rng.global());
    }

    /** A layer with or without bias, initialised from the global generator. */
    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, Rng.global());
    }

    /** A layer initialised from {@code rng}. */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out must be positive, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(out, in)));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out))) : null;
        Init.layerDefault(weight.value(), bias ? this.bias.value() : null, rng);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a layer built without one. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /** {@code [..., in] -> [..., out]}: leading dimensions are flattened into rows for one GEMM and restored. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, false);
    }

    /** {@code relu(forward(x))}, fused into one op for [N, in] input ({@link Sequential} calls it). */
    Variable forwardRelu(Variable x) {
        return forward(x, true);
    }

    private Variable forward(Variable x, boolean relu) {
        long[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != in) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + ").forward: expected input [..., " + in
                    + "], got " + Shapes.str(s));
        }
        long rows = s.length == 1 ? 1 : Shapes.size(s) / in;
        if (rows == 0) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + ").forward: empty batch, got input " + Shapes.str(s));
        }
        if (s.length == 2) {
            return relu ? Functional.linearRelu(x, weight, bias) : linear(x, weight, bias);
        }
        if (relu) {
            return forward(x, false).relu();
        }
        long[] outShape = s.clone();
        outShape[s.length - 1] = out;
        return linear(x.reshape(rows, in), weight, bias).reshape(outShape);
    }

    /**
     * The op itself, {@code y = x·Wᵀ + b} for {@code x [N, in]}, {@code W [out, in]}, {@code b [out]}
     * (null for none): one GEMM with a transpose flag plus a row-vector add forward; backward
     * {@code dx = g·W}, {@code dW = gᵀ·x}, {@code db = Σ_rows g} ({@link Functional#linear}).
     * Usable on its own, e.g. for float64 gradient checks.
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        return Functional.linear(x, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
