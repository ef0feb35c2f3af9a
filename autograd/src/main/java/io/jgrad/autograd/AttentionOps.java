package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
     * ({@link Ops#batchedGemmInto} on views), so neither direction copies a head.
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
        HeadsPass pass = new HeadsPass(heads(q.value().array(), 1, 0, heads), heads(k.value().array(), 1, 0, heads),
                heads(v.value().array(), 1, 0, heads), causal);
        return Variable.fromOp(causal ? "heads_attention_causal" : "heads_attention", pass.out, g -> {
            Ops ops = Ops.get();
            INDArray dq = q.requiresGrad() ? ops.newArray(g.dataType(), qs) : null;
            INDArray dk = k.requiresGrad() ? ops.newArray(g.dataType(), ks) : null;
            INDArray dv = v.requiresGrad() ? ops.newArray(g.dataType(), vs) : null;
            pass.backward(heads(g, 1, 0, heads), dq == null ? null : heads(dq, 1, 0, heads),
                    dk == null ? null : heads(dk, 1, 0, heads), dv == null ? null : heads(dv, 1, 0, heads));
            return new INDArray[] {dq, dk, dv};
        }, q, k, v);
    }

    /**
     * {@link #headsAttention} of the three column blocks {@code q, k, v} of one packed
     * {@code qkv [N, L, 3·H·D]} (self-attention after PyTorch's packed {@code in_proj}): the heads
     * are read in place from the packed array and their gradients written into one packed
     * gradient, so the projection stays one GEMM each way.
     */
    static Variable headsSelfAttention(Variable qkv, int heads, boolean causal) {
        long[] s = qkv.shape();
        if (heads <= 0 || s.length != 3 || s[2] % (3L * heads) != 0) {
            throw new IllegalArgumentException("headsSelfAttention: qkv " + Shapes.str(s) + " with " + heads
                    + " heads does not fit [N, L, 3·H·D]");
        }
        INDArray a = qkv.value().array();
        HeadsPass pass = new HeadsPass(heads(a, 3, 0, heads), heads(a, 3, 1, heads), heads(a, 3, 2, heads), causal);
        return Variable.fromOp(causal ? "heads_self_attention_causal" : "heads_self_attention", pass.out, g -> {
            INDArray d = Ops.get().newArray(g.dataType(), s);
            pass.backward(heads(g, 1, 0, heads), heads(d, 3, 0, heads), heads(d, 3, 1, heads), heads(d, 3, 2, heads));
            return new INDArray[] {d};
        }, qkv);
    }

    /**
     * Block {@code i} of {@code blocks} equal column blocks of {@code x [N, L, blocks·H·D]} as the
     * view {@code [N, H, L, D]} of its heads (of a row-major copy first if x is not row-major).
     */
    private static INDArray heads(INDArray x, int blocks, int i, int heads) {
        long[] s = x.shape();
        long d = s[2] / blocks / heads;
        INDArray h = blocks == 1 ? x.reshape('c', s[0], s[1], heads, d)
                : x.reshape('c', s[0], s[1], blocks, heads, d).get(NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
        return h.permute(0, 2, 1, 3);
    }

    /** One forward over heads views {@code [N, H, L, D]} ({@link Ops#batchedGemmInto}) and its backward. */
    private static final class HeadsPass {
        private final INDArray q4;
        private final INDArray k4;
        private final INDArray v4;
        private final INDArray attn;
        private final INDArray attn4;
        private final INDArray out;
        private final double scale;

        HeadsPass(INDArray q4, INDArray k4, INDArray v4, boolean causal) {
            this.q4 = q4;
            this.k4 = k4;
            this.v4 = v4;
            long n = q4.size(0);
            long h = q4.size(1);
            long l = q4.size(2);
            long s = k4.size(2);
            this.scale = 1 / Math.sqrt(q4.size(3));
            Ops ops = Ops.get();
            INDArray scores = ops.newArray(q4.dataType(), n * h, l, s);          // dense: the softmax runs in place
            ops.batchedGemmInto(q4, false, k4, true, scale, scores.reshape('c', n, h, l, s));
            this.attn = ops.attentionSoftmax(scores, causal);
            this.attn4 = attn.reshape('c', n, h, l, s);
            this.out = ops.newArray(q4.dataType(), n, l, h * v4.size(3));
            ops.batchedGemmInto(attn4, false, v4, false, 1, heads(out, 1, 0, (int) h));
        }

        /** The gradients into the views {@code dq4}, {@code dk4}, {@code dv4} (each may be null) from {@code g4}. */
        void backward(INDArray g4, INDArray dq4, INDArray dk4, INDArray dv4) {
            Ops ops = Ops.get();
            INDArray dAttn = ops.newArray(g4.dataType(), attn.shape());
            ops.batchedGemmInto(g4, false, v4, true, 1, dAttn.reshape('c', attn4.shape()));
            INDArray dScores = ops.attentionSoftmaxBackward(attn, dAttn).reshape('c', attn4.shape());
            if (dq4 != null) {
                ops.batchedGemmInto(dScores, false, k4, false, scale, dq4);
            }
            if (dk4 != null) {
                ops.batchedGemmInto(dScores, true, q4, false, scale, dk4);
            }
            if (dv4 != null) {
                ops.batchedGemmInto(attn4, true, g4, false, 1, dv4);
            }
        }
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
