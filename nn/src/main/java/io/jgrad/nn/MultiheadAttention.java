package io.jgrad.nn;

import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;

/**
 * Multi-head attention (Vaswani et al., 2017) as PyTorch's
 * {@code nn.MultiheadAttention(E, heads, batch_first=True)} with bias and no dropout: the packed
 * input projection {@code in_proj_weight [3E, E]}, {@code in_proj_bias [3E]} (xavier-uniform,
 * zeros) and {@code out_proj} (a {@link Linear} with PyTorch's init and a zeroed bias). Heads
 * are column blocks, never a loop or a copy: self-attention projects with one packed GEMM
 * ({@code [N·L, E] x [E, 3E]}) and {@link Functional#headsSelfAttention} reads each head of
 * q, k and v in place from it; distinct query, key and value take three GEMMs and
 * {@link Functional#headsAttention}.
 */
public class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;

    /** Initialised from the global generator ({@link Rng#manualSeed}). */
    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, Rng.global());
    }

    /** Initialised from {@code rng}. */
    public MultiheadAttention(int embedDim, int numHeads, Rng rng) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embedDim must be a positive multiple of numHeads, got "
                    + embedDim + " and " + numHeads);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.inProjWeight = registerParameter("in_proj_weight", new Parameter(Tensor.zeros(3L * embedDim, embedDim)));
        this.inProjBias = registerParameter("in_proj_bias", new Parameter(Tensor.zeros(3L * embedDim)));
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, true, rng));
        Init.xavierUniform(inProjWeight.value(), 1, rng);
        Init.zeros(outProj.bias().value());
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    /** Non-causal self-attention of {@code x [N, L, E]}. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, x, x, false);
    }

    /**
     * The attention output {@code [N, L, E]} (PyTorch's first result) for {@code query [N, L, E]},
     * {@code key}, {@code value [N, S, E]}; with {@code causal}, position i attends to positions ≤ i.
     *
     * @throws IllegalArgumentException for shapes that do not fit, naming them
     */
    public Variable forward(Variable query, Variable key, Variable value, boolean causal) {
        long[] q = query.shape();
        long[] k = key.shape();
        long[] v = value.shape();
        if (q.length != 3 || k.length != 3 || v.length != 3 || q[2] != embedDim || k[2] != embedDim || v[2] != embedDim
                || k[0] != q[0] || v[0] != q[0] || k[1] != v[1]) {
            throw new IllegalArgumentException("MultiheadAttention(" + embedDim + ", " + numHeads + ").forward: query "
                    + Shapes.str(q) + ", key " + Shapes.str(k) + ", value " + Shapes.str(v)
                    + " do not fit [N, L, " + embedDim + "], [N, S, " + embedDim + "], [N, S, " + embedDim + "]");
        }
        Variable attn;                                                                      // [N, L, E]
        if (query == key && key == value) {                  // self-attention: one packed projection, as PyTorch
            Variable qkv = Functional.linear(query.reshape(q[0] * q[1], embedDim), inProjWeight, inProjBias);
            attn = Functional.headsSelfAttention(qkv.reshape(q[0], q[1], 3L * embedDim), numHeads, causal);
        } else {
            attn = Functional.headsAttention(project(query, 0), project(key, 1), project(value, 2), numHeads, causal);
        }
        return outProj.forward(attn);
    }

    /**
     * {@code x [N, L, E]} times rows {@code [i·E, (i+1)·E)} of {@code in_proj_weight} (q, k or v),
     * plus that part of {@code in_proj_bias}: one GEMM over {@code [N·L, E]}, as {@code [N, L, E]}.
     * Three such GEMMs cost what PyTorch's one packed GEMM does and keep q, k and v separate arrays.
     */
    private Variable project(Variable x, int i) {
        long[] s = x.shape();
        Variable w = inProjWeight.narrow(0, (long) i * embedDim, embedDim);
        Variable b = inProjBias.narrow(0, (long) i * embedDim, embedDim);
        return Functional.linear(x.reshape(s[0] * s[1], embedDim), w, b).reshape(s[0], s[1], embedDim);
    }
}
