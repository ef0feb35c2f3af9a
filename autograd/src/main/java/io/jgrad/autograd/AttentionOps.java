package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scaled dot-product attention as one fused node, PyTorch's
 * {@code F.scaled_dot_product_attention(q, k, v, is_causal=causal)} without dropout: the leading
 * dimensions (batch, heads) are flattened into one batch {@code B}, so the forward is two batched
 * GEMMs around a softmax ({@code softmax(q·kᵀ/√E + mask)·v}) and the backward four batched GEMMs
 * around the softmax's backward, never a loop per head or per position. The causal mask
 * (top-left aligned, {@code L x S}) is applied inside the op, on the scores.
 */
final class AttentionOps {
    private AttentionOps() {
    }

    static Variable scaledDotProductAttention(Variable q, Variable k, Variable v, boolean causal) {
        long[] qs = q.shape();
        long[] ks = k.shape();
        long[] vs = v.shape();
        int r = qs.length;
        if (r < 2 || ks.length < 2 || vs.length < 2 || ks[ks.length - 1] != qs[r - 1]
                || vs[vs.length - 2] != ks[ks.length - 2]) {
            throw new IllegalArgumentException("scaledDotProductAttention: q " + Shapes.str(qs) + ", k " + Shapes.str(ks)
                    + ", v " + Shapes.str(vs) + " do not fit [..., L, E], [..., S, E], [..., S, Ev]");
        }
        ElementwiseOps.checkSameType("scaledDotProductAttention", q, k);
        ElementwiseOps.checkSameType("scaledDotProductAttention", q, v);
        long[] batch = Broadcast.shape("scaledDotProductAttention",
                Broadcast.shape("scaledDotProductAttention", lead(qs), lead(ks)), lead(vs));
        long l = qs[r - 2];
        long e = qs[r - 1];
        long s = ks[ks.length - 2];
        long ev = vs[vs.length - 1];
        long b = Shapes.size(batch);
        INDArray q3 = flat(q.value().array(), batch, l, e);
        INDArray k3 = flat(k.value().array(), batch, s, e);
        INDArray v3 = flat(v.value().array(), batch, s, ev);
        double scale = 1 / Math.sqrt(e);
        Ops ops = Ops.get();
        INDArray attn = ops.attentionSoftmax(ops.batchedGemm(q3, false, k3, true, scale), causal);
        INDArray out = ops.batchedGemm(attn, false, v3, false, 1);
        return Variable.fromOp(causal ? "sdpa_causal" : "sdpa", out.reshape(full(batch, l, ev)), g -> {
            INDArray g3 = g.reshape('c', b, l, ev);
            INDArray dScores = ops.attentionSoftmaxBackward(attn, ops.batchedGemm(g3, false, v3, true, 1));
            return new INDArray[] {
                q.requiresGrad() ? ops.batchedGemm(dScores, false, k3, false, scale).reshape(full(batch, l, e)) : null,
                k.requiresGrad() ? ops.batchedGemm(dScores, true, q3, false, scale).reshape(full(batch, s, e)) : null,
                v.requiresGrad() ? ops.batchedGemm(attn, true, g3, false, 1).reshape(full(batch, s, ev)) : null};
        }, q, k, v);
    }

    /**
     * Attention of each head of {@code q [N, L, H·D]}, {@code k}, {@code v [N, S, H·D]} (head
     * {@code h} is columns {@code [h·D, (h+1)·D)}), heads concatenated back into {@code [N, L, H·D]}:
     * {@link #scaledDotProductAttention} of the heads {@code [N, H, L, D]} followed by the transpose
     * back, but the batched GEMMs read and write the heads where they lie
     * ({@link Ops#batchedGemmInto} on {@code permute} views), so neither direction copies a head.
     */
    static Variable headsAttention(Variable q, Variable k, Variable v, int heads, boolean causal) {
        long[] qs = q.shape();
        long[] ks = k.shape();
        long[] vs = v.shape();
        if (heads <= 0 || qs.length != 3 || ks.length != 3 || vs.length != 3 || qs[2] % heads != 0
                || !Arrays.equals(ks, vs) || ks[0] != qs[0] || ks[2] != qs[2]) {
            throw new IllegalArgumentException("headsAttention: q " + Shapes.str(qs) + ", k " + Shapes.str(ks) + ", v "
                    + Shapes.str(vs) + " with " + heads + " heads do not fit [N, L, H·D], [N, S, H·D], [N, S, H·D]");
        }
        ElementwiseOps.checkSameType("headsAttention", q, k);
        ElementwiseOps.checkSameType("headsAttention", q, v);
        long n = qs[0];
        long l = qs[1];
        long s = ks[1];
        long d = qs[2] / heads;
        INDArray q4 = heads(q.value().array(), heads);
        INDArray k4 = heads(k.value().array(), heads);
        INDArray v4 = heads(v.value().array(), heads);
        double scale = 1 / Math.sqrt(d);
        Ops ops = Ops.get();
        INDArray scores = ops.newArray(q4.dataType(), n * heads, l, s);          // dense: the softmax runs in place
        ops.batchedGemmInto(q4, false, k4, true, scale, scores.reshape('c', n, heads, l, s));
        INDArray attn = ops.attentionSoftmax(scores, causal);
        INDArray attn4 = attn.reshape('c', n, heads, l, s);
        INDArray out = ops.newArray(q4.dataType(), qs);
        ops.batchedGemmInto(attn4, false, v4, false, 1, heads(out, heads));
        return Variable.fromOp(causal ? "heads_attention_causal" : "heads_attention", out, g -> {
            INDArray g4 = heads(g, heads);
            INDArray dAttn = ops.newArray(g.dataType(), n * heads, l, s);
            ops.batchedGemmInto(g4, false, v4, true, 1, dAttn.reshape('c', n, heads, l, s));
            INDArray dScores = ops.attentionSoftmaxBackward(attn, dAttn).reshape('c', n, heads, l, s);
            INDArray dq = null;
            INDArray dk = null;
            INDArray dv = null;
            if (q.requiresGrad()) {
                dq = ops.newArray(g.dataType(), qs);
                ops.batchedGemmInto(dScores, false, k4, false, scale, heads(dq, heads));
            }
            if (k.requiresGrad()) {
                dk = ops.newArray(g.dataType(), ks);
                ops.batchedGemmInto(dScores, true, q4, false, scale, heads(dk, heads));
            }
            if (v.requiresGrad()) {
                dv = ops.newArray(g.dataType(), vs);
                ops.batchedGemmInto(attn4, true, g4, false, 1, heads(dv, heads));
            }
            return new INDArray[] {dq, dk, dv};
        }, q, k, v);
    }

    /** {@code x [N, L, H·D]} as the view {@code [N, H, L, D]} of its heads (a row-major copy first if x is not). */
    private static INDArray heads(INDArray x, int heads) {
        long[] s = x.shape();
        return x.reshape('c', s[0], s[1], heads, s[2] / heads).permute(0, 2, 1, 3);
    }

    private static long[] lead(long[] shape) {
        return Arrays.copyOf(shape, shape.length - 2);
    }

    private static long[] full(long[] batch, long rows, long cols) {
        long[] f = Arrays.copyOf(batch, batch.length + 2);
        f[batch.length] = rows;
        f[batch.length + 1] = cols;
        return f;
    }

    /** {@code a} broadcast to {@code [...batch, rows, cols]} and flattened to {@code [B, rows, cols]}, row-major. */
    private static INDArray flat(INDArray a, long[] batch, long rows, long cols) {
        long[] f = full(batch, rows, cols);
        INDArray x = Arrays.equals(a.shape(), f) ? a : Broadcast.withRank(a, f.length).broadcast(f);
        return x.reshape('c', Shapes.size(batch), rows, cols);
    }
}
