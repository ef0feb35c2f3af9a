package io.jgrad.nn;

import io.jgrad.autograd.GradSink;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

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
            return linear(x, weight, bias);
        }
        long[] outShape = s.clone();
        outShape[s.length - 1] = out;
        return linear(x.reshape(rows, in), weight, bias).reshape(outShape);
    }

    /**
     * The op itself, {@code y = x·Wᵀ + b} for {@code x [N, in]}, {@code W [out, in]}, {@code b [out]}
     * (null for none): one GEMM with a transpose flag plus a row-vector add forward; backward
     * {@code dx = g·W}, {@code dW = gᵀ·x}, {@code db = Σ_rows g}. Usable on its own, e.g. for
     * float64 gradient checks.
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        INDArray xa = x.value().array();
        INDArray w = weight.value().array();
        if (xa.rank() != 2 || w.rank() != 2 || xa.size(1) != w.size(1)
                || bias != null && (bias.value().rank() != 1 || bias.value().size() != w.size(0))) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(xa.shape()) + ", weight " + Shapes.str(w.shape())
                    + (bias == null ? "" : ", bias " + Shapes.str(bias.shape())) + " do not fit [N, in], [out, in], [out]");
        }
        if (xa.size(0) == 0) {
            throw new IllegalArgumentException("linear: empty batch, input " + Shapes.str(xa.shape()));
        }
        if (xa.dataType() != w.dataType()) {
            throw new IllegalArgumentException("linear: input is " + x.value().dtype() + " but weight is "
                    + weight.value().dtype() + "; convert the input with Tensor.to(...)");
        }
        INDArray y = Blas.gemm(xa, false, w, true);
        if (bias != null) {
            Kernels.addRowVector(y, bias.value().array());
        }
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        // backward writes straight into the gradient buffers: dx = g·W, dW = gᵀ·x + β·dW, db = Σ_rows g + β·db
        return Variable.fromAccumulatingOp("linear", y, (g, sink) -> {
            if (sink.requires(0)) {
                GradSink.Target t = sink.target(0);
                Blas.gemm(g, false, w, false, t.array(), 1.0, t.beta());
            }
            if (sink.requires(1)) {
                GradSink.Target t = sink.target(1);
                Blas.gemm(g, true, xa, false, t.array(), 1.0, t.beta());
            }
            if (bias != null && sink.requires(2)) {
                GradSink.Target t = sink.target(2);
                Kernels.columnSums(g, t.array(), t.beta());
            }
        }, inputs);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
