package io.jgrad.onnx.layers;

import io.jgrad.nn.Linear;
import io.jgrad.nn.MultiheadAttention;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;
import io.jgrad.tensor.Tensor;

/**
 * {@link MultiheadAttention} as self-attention of {@code x [N, L, E]} (its one-input forward),
 * written out in plain opset-17 operators: the packed projection ({@code MatMul} + {@code Add}),
 * a {@code Reshape}/{@code Transpose} into heads, {@code softmax(q·kᵀ/√d [+ causal mask])·v}, the
 * heads merged back and {@code out_proj}. The sequence length is the example's; the causal mask
 * (0 on and below the diagonal, −∞ above) is an {@code [L, L]} constant.
 */
public final class AttentionExporter implements ModuleExporter<MultiheadAttention> {
    @Override
    public Value export(MultiheadAttention m, Value x, OnnxGraph g) {
        return g.output(m, x, selfAttention(m, x, false, g));
    }

    /** The nodes of {@code m}'s self-attention of {@code x}, at the current path; returns the output's name. */
    public static String selfAttention(MultiheadAttention m, Value x, boolean causal, OnnxGraph g) {
        long e = m.embedDim();
        long heads = m.numHeads();
        long d = e / heads;
        long len = x.shape()[1];
        String inProj = linear(g, x.name(), g.initializer("in_proj_weight", m.namedParameters().get("in_proj_weight").value()),
                g.initializer("in_proj_bias", m.namedParameters().get("in_proj_bias").value()));      // [N, L, 3E]
        String split = g.node("Reshape", inProj, g.int64("qkv_shape", 0, len, 3, heads, d)).output();
        String qkv = g.node("Transpose", split).ints("perm", 2, 0, 3, 1, 4).output();                 // [3, N, h, L, d]
        String q = g.node("Gather", qkv, g.int64Scalar("q", 0)).attr("axis", 0).output();              // [N, h, L, d]
        String k = g.node("Gather", qkv, g.int64Scalar("k", 1)).attr("axis", 0).output();
        String v = g.node("Gather", qkv, g.int64Scalar("v", 2)).attr("axis", 0).output();
        String kt = g.node("Transpose", k).ints("perm", 0, 1, 3, 2).output();
        String scores = g.node("Mul", g.node("MatMul", q, kt).output(), g.scalar("scale", 1 / Math.sqrt(d), x)).output();
        if (causal) {
            scores = g.node("Add", scores, g.initializer("causal_mask", causalMask(len, x))).output();
        }
        String weights = g.node("Softmax", scores).attr("axis", -1).output();
        String attended = g.node("MatMul", weights, v).output();                                       // [N, h, L, d]
        String merged = g.node("Reshape", g.node("Transpose", attended).ints("perm", 0, 2, 1, 3).output(),
                g.int64("merged_shape", 0, len, e)).output();                                          // [N, L, E]
        Linear out = (Linear) m.children().get("out_proj");
        return g.within("out_proj", () -> linear(g, merged, g.initializer("weight", out.weight().value()),
                g.initializer("bias", out.bias().value())));
    }

    /** {@code x·Wᵀ + b} for {@code x [..., in]}: {@code Transpose}, {@code MatMul}, {@code Add}. */
    private static String linear(OnnxGraph g, String x, String weight, String bias) {
        String wt = g.node("Transpose", weight).ints("perm", 1, 0).output();
        return g.node("Add", g.node("MatMul", x, wt).output(), bias).output();
    }

    /** 0 where position i may attend to j (j ≤ i), −∞ elsewhere, in {@code like}'s dtype. */
    private static Tensor causalMask(long len, Value like) {
        double[] mask = new double[Math.toIntExact(len * len)];
        for (int i = 0; i < len; i++) {
            for (int j = i + 1; j < len; j++) {
                mask[(int) (i * len + j)] = Double.NEGATIVE_INFINITY;
            }
        }
        return Tensor.of(mask, len, len).to(like.example().dtype());
    }
}
