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
 * are a reshape, never a loop: the projections are one GEMM (self-attention) or three, then
 * one {@link Functional#scaledDotProductAttention} over {@code [N, heads, L, E/heads]}.
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
        Variable qh;
        Variable kh;
        Variable vh;
        if (query == key && key == value) {
            Variable qkv = project(query, inProjWeight, inProjBias, 3).permute(2, 0, 3, 1, 4);   // [3, N, h, L, d]
            qh = qkv.narrow(0, 0, 1).squeeze(0);
            kh = qkv.narrow(0, 1, 1).squeeze(0);
            vh = qkv.narrow(0, 2, 1).squeeze(0);
        } else {
            qh = heads(project(query, part(inProjWeight, 0), part(inProjBias, 0), 1));
            kh = heads(project(key, part(inProjWeight, 1), part(inProjBias, 1), 1));
            vh = heads(project(value, part(inProjWeight, 2), part(inProjBias, 2), 1));
        }
        Variable attn = Functional.scaledDotProductAttention(qh, kh, vh, causal);            // [N, h, L, d]
        return outProj.forward(attn.transpose(1, 2).reshape(q[0], q[1], embedDim));
    }

    /** {@code x [N, L, E]} times {@code w [p·E, E]}ᵀ plus {@code b}: one GEMM, as {@code [N, L, p, heads, E/heads]}. */
    private Variable project(Variable x, Variable w, Variable b, int p) {
        long[] s = x.shape();
        Variable y = Functional.linear(x.reshape(s[0] * s[1], embedDim), w, b);
        return y.reshape(s[0], s[1], p, numHeads, embedDim / numHeads);
    }

    /** {@code [N, L, 1, heads, d]} as {@code [N, heads, L, d]}. */
    private static Variable heads(Variable y) {
        return y.squeeze(2).transpose(1, 2);
    }

    /** Rows {@code [i·E, (i+1)·E)} of a packed projection parameter (q, k or v). */
    private Variable part(Variable packed, int i) {
        return packed.narrow(0, (long) i * embedDim, embedDim);
    }
}
