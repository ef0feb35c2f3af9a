package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.NdArrays;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix-product op family: {@code matmul} and the fully connected layer's fused
 * {@code linear}. The backward writes each input's gradient with one GEMM straight into the
 * engine's buffer ({@code beta = 1} accumulates), so a weight's gradient needs no temporary
 * array and no extra add.
 */
final class MatmulOps {
    private MatmulOps() {
    }

    static Variable matmul(Variable x, Variable y) {
        INDArray a = x.value().array();
        INDArray b = y.value().array();
        ElementwiseOps.checkSameType("matmul", x, y);
        if (a.rank() >= 2 && b.rank() >= 2 && (a.rank() > 2 || b.rank() > 2)) {
            return batched(x, y);
        }
        if (a.rank() != 2 || b.rank() != 2 || a.size(1) != b.size(0)) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()) + " are not aligned; needs [m, k] x [k, n]");
        }
        Ops ops = Ops.get();
        return Variable.fromAccumulatingOp("matmul", ops.gemm(a, false, b, false), (g, sink) -> {
            gemmInto(sink, 0, ops, g, false, b, true);
            gemmInto(sink, 1, ops, a, true, g, false);
        }, x, y);
    }

    /**
     * {@code y = x·Wᵀ + b} for {@code x [N, in]}, {@code W [out, in]}, {@code b [out]} (null for
     * none): one GEMM with a transpose flag plus a row-vector add forward; backward
     * {@code dx = g·W}, {@code dW = gᵀ·x}, {@code db = Σ_rows g}, each written into its buffer.
     */
    static Variable linear(Variable x, Variable weight, Variable bias) {
        return linear(x, weight, bias, false);
    }

    /**
     * {@code linear} followed by {@code relu} as one node: the rectifier runs in place on the
     * GEMM's own fresh result, so the pair makes one array and one pass fewer (the pre-activation
     * is never visible). Backward masks the incoming gradient into an engine buffer, then runs
     * linear's backward with it.
     */
    static Variable linearRelu(Variable x, Variable weight, Variable bias) {
        return linear(x, weight, bias, true);
    }

    private static Variable linear(Variable x, Variable weight, Variable bias, boolean relu) {
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
        Ops ops = Ops.get();
        INDArray y = ops.gemm(xa, false, w, true);
        if (bias != null) {
            ops.addRowVector(y, bias.value().array());
        }
        if (relu) {
            ops.relu(y, y);
        }
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.fromAccumulatingOp(relu ? "linear_relu" : "linear", y, (gOut, sink) -> {
            INDArray g = gOut;
            if (relu) {
                g = ops.reluBackward(y, gOut, GradPool.acquire(gOut.dataType(), gOut.shape()), 0);
            }
            gemmInto(sink, 0, ops, g, false, w, false);
            gemmInto(sink, 1, ops, g, true, xa, false);
            if (bias != null && sink.requires(2)) {
                GradSink.Target t = sink.target(2);
                ops.columnSums(g, t.array(), t.beta());
            }
            if (relu) {
                GradPool.release(g);
            }
        }, inputs);
    }

    /** Writes input {@code k}'s gradient {@code op(a)·op(b)} into its buffer, when it takes one. */
    private static void gemmInto(GradSink sink, int k, Ops ops, INDArray a, boolean transA, INDArray b, boolean transB) {
        if (sink.requires(k)) {
            GradSink.Target t = sink.target(k);
            ops.gemm(a, transA, b, transB, t.array(), 1.0, t.beta());
        }
    }

    /**
     * {@code [..., m, k] x [..., k, n]} with the leading dimensions broadcast, as {@code torch.matmul}:
     * both operands are expanded to the common batch shape and multiplied by ND4J's batched
     * matmul; an input's gradient comes back in the expanded shape and the engine sums it down.
     */
    private static Variable batched(Variable x, Variable y) {
        long[] as = x.shape();
        long[] bs = y.shape();
        long m = as[as.length - 2];
        long k = as[as.length - 1];
        long n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(as) + " and " + Shapes.str(bs)
                    + " are not aligned; needs [..., m, k] x [..., k, n]");
        }
        long[] batch = Broadcast.shape("matmul", Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        INDArray a = expand(x.value().array(), batch, m, k);
        INDArray b = expand(y.value().array(), batch, k, n);
        INDArray out = NdArrays.matmul(a, b);
        return Variable.fromOp("matmul", out, g -> new INDArray[] {
            x.requiresGrad() ? NdArrays.matmul(g, b.swapAxes(batch.length, batch.length + 1).dup('c')) : null,
            y.requiresGrad() ? NdArrays.matmul(a.swapAxes(batch.length, batch.length + 1).dup('c'), g) : null}, x, y);
    }

    /** {@code a} broadcast to {@code [...batch, rows, cols]} as a dense copy. */
    private static INDArray expand(INDArray a, long[] batch, long rows, long cols) {
        long[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = rows;
        full[batch.length + 1] = cols;
        return ElementwiseOps.withRank(a, full.length).broadcast(full).dup('c');
    }
}
