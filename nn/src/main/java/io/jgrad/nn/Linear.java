package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer, {@code y = x·Wᵀ + b}, with weight {@code [out, in]} and bias
 * {@code [out]} initialised as PyTorch does (kaiming-uniform with a = √5, i.e. uniform
 * ±1/√in for both). Forward and backward are single fused nodes: one GEMM with a transpose
 * flag plus a row-vector bias add forward, two GEMMs and a column sum backward.
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
        Init.kaimingUniform(weight.value(), Math.sqrt(5), "leaky_relu", rng);
        if (bias) {
            this.bias = registerParameter("bias", new Parameter(Tensor.zeros(out)));
            double bound = 1 / Math.sqrt(in);
            Init.uniform(this.bias.value(), -bound, bound, rng);
        } else {
            this.bias = null;
        }
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

    @Override
    public Variable forward(Variable x) {
        INDArray xa = x.value().array();
        if (xa.rank() != 2 || xa.size(1) != in) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + ").forward: expected input [batch, " + in
                    + "], got " + Shapes.str(xa.shape()));
        }
        INDArray w = weight.value().array();
        INDArray y = Nd4j.gemm(xa, w, false, true);
        if (bias != null) {
            y.addiRowVector(bias.value().array());
        }
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.fromOp("linear", y, g -> {
            INDArray dx = x.requiresGrad() ? Nd4j.gemm(g, w, false, false) : null;
            INDArray dw = weight.requiresGrad() ? Nd4j.gemm(g, xa, true, false) : null;
            return bias == null ? new INDArray[] {dx, dw} : new INDArray[] {dx, dw, g.sum(0)};
        }, inputs);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
