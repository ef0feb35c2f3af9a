package io.jgrad.tensor.backend;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The sequence-model kernels of the {@code nd4j} backend (the recurrent cells, batched products
 * and the causal mask) as ND4J ops on column views of the gate matrices, with no host pointer:
 * the path ND4J's CUDA backend runs, and the one the {@code cpu} backend keeps for float64 and
 * other layouts its JVM loops skip. Formulas are those documented on {@link Ops}.
 */
final class Nd4jSequenceKernels {
    private static final ThreadLocal<Map<String, INDArray>> CAUSAL_BIAS = ThreadLocal.withInitial(HashMap::new);

    private Nd4jSequenceKernels() {
    }

    static void lstmCell(INDArray gates, INDArray cPrev, INDArray cNew, INDArray hNew) {
        long h = cPrev.size(1);
        INDArray i = cols(gates, 0, h);
        INDArray g = cols(gates, 2 * h, h);
        INDArray o = cols(gates, 3 * h, h);
        INDArray ifs = cols(gates, 0, 2 * h);
        Nd4j.exec(new Sigmoid(ifs, ifs));
        Nd4j.exec(new Tanh(g, g));
        Nd4j.exec(new Sigmoid(o, o));
        mul(cols(gates, h, h), cPrev, cNew).addi(i.mul(g));
        Nd4j.exec(new Tanh(cNew, hNew));
        hNew.muli(o);
    }

    static void lstmCellBackward(INDArray act, INDArray cPrev, INDArray cNew, INDArray dh, INDArray dc,
                                 INDArray dGates) {
        long h = cPrev.size(1);
        INDArray i = cols(act, 0, h);
        INDArray f = cols(act, h, h);
        INDArray g = cols(act, 2 * h, h);
        INDArray o = cols(act, 3 * h, h);
        INDArray tc = cNew.dup();
        Nd4j.exec(new Tanh(tc, tc));
        mul(dh, tc, cols(dGates, 3 * h, h)).muli(o).muli(o.rsub(1.0));
        dc.addi(tc.muli(tc).rsubi(1.0).muli(o).muli(dh));
        mul(dc, g, cols(dGates, 0, h)).muli(i).muli(i.rsub(1.0));
        mul(dc, cPrev, cols(dGates, h, h)).muli(f).muli(f.rsub(1.0));
        mul(dc, i, cols(dGates, 2 * h, h)).muli(g.mul(g).rsubi(1.0));
        dc.muli(f);
    }

    static void gruCell(INDArray gi, INDArray gh, INDArray hPrev, INDArray hNew) {
        long h = hPrev.size(1);
        INDArray rz = cols(gi, 0, 2 * h);
        rz.addi(cols(gh, 0, 2 * h));
        Nd4j.exec(new Sigmoid(rz, rz));
        INDArray n = cols(gi, 2 * h, h);
        n.addi(cols(gi, 0, h).mul(cols(gh, 2 * h, h)));
        Nd4j.exec(new Tanh(n, n));
        Nd4j.exec(new SubOp(hPrev, n, hNew));
        hNew.muli(cols(gi, h, h)).addi(n);
    }

    static void gruCellBackward(INDArray act, INDArray gh, INDArray hPrev, INDArray dh, INDArray dGi, INDArray dGh,
                                INDArray dhPrev) {
        long h = hPrev.size(1);
        INDArray r = cols(act, 0, h);
        INDArray z = cols(act, h, h);
        INDArray n = cols(act, 2 * h, h);
        INDArray dn = cols(dGi, 2 * h, h);
        mul(dh, z.rsub(1.0), dn).muli(n.mul(n).rsubi(1.0));
        mul(dn, r, cols(dGh, 2 * h, h));
        mul(dn, cols(gh, 2 * h, h), cols(dGi, 0, h)).muli(r).muli(r.rsub(1.0));
        INDArray dz = cols(dGi, h, h);
        Nd4j.exec(new SubOp(hPrev, n, dz));
        dz.muli(dh).muli(z).muli(z.rsub(1.0));
        cols(dGh, 0, 2 * h).assign(cols(dGi, 0, 2 * h));
        dhPrev.addi(dh.mul(z));
    }

    static INDArray batchedGemm(INDArray a, boolean transA, INDArray b, boolean transB, double alpha) {
        Checks.batchedGemm(a, transA, b, transB);
        INDArray out = Nd4j.matmul(a, b, transA, transB, false);
        return alpha == 1 ? out : out.muli(alpha);
    }

    static void maskAboveDiagonal(INDArray scores, double value) {
        if (scores.rank() != 3) {
            throw new IllegalArgumentException("maskAboveDiagonal: scores must be [B, L, S], got "
                    + java.util.Arrays.toString(scores.shape()));
        }
        long l = scores.size(1);
        long s = scores.size(2);
        String key = l + "x" + s + " " + scores.dataType() + " " + value;
        Map<String, INDArray> cache = CAUSAL_BIAS.get();
        if (cache.size() >= 64) {                                                // bounded: shapes rarely vary
            cache.clear();
        }
        INDArray bias = cache.computeIfAbsent(key, k -> causalBias(scores.dataType(), l, s, value));
        Nd4jBroadcasts.exec(new BroadcastAddOp(scores, bias, scores, 1, 2));
    }

    /**
     * The additive mask {@code [L, S]}: 0 where {@code j <= i}, {@code value} above; made once per
     * shape, type and value on each thread with ND4J ops, then reused (no transfer per step).
     */
    private static INDArray causalBias(DataType type, long l, long s, double value) {
        INDArray bias = Nd4jBroadcasts.columnSubi(                               // bias[i, j] = j − i
                Nd4jBroadcasts.rowAddi(Nd4j.zeros(type, l, s), Nd4j.arange(s).castTo(type)),
                Nd4j.arange(l).castTo(type).reshape(l, 1));
        BooleanIndexing.replaceWhere(bias, 0.0, Conditions.lessThan(0.5));
        BooleanIndexing.replaceWhere(bias, value, Conditions.greaterThan(0.5));
        return bias;
    }

    /** Columns {@code [from, from + n)} of a 2-d array, as a view. */
    private static INDArray cols(INDArray a, long from, long n) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + n));
    }

    private static INDArray mul(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new MulOp(a, b, out));
        return out;
    }
}
