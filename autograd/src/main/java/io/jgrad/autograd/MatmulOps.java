package io.jgrad.autograd;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The matrix-product op family. The backward writes each input's gradient with one GEMM
 * straight into the engine's buffer ({@code beta = 1} accumulates), so a weight's gradient
 * needs no temporary array and no extra add.
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
        return Variable.fromAccumulatingOp("matmul", Blas.gemm(a, false, b, false), (g, sink) -> {
            if (sink.requires(0)) {
                GradSink.Target t = sink.target(0);
                Blas.gemm(g, false, b, true, t.array(), 1.0, t.beta());
            }
            if (sink.requires(1)) {
                GradSink.Target t = sink.target(1);
                Blas.gemm(a, true, g, false, t.array(), 1.0, t.beta());
            }
        }, x, y);
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
        INDArray out = Nd4j.matmul(a, b);
        return Variable.fromOp("matmul", out, g -> new INDArray[] {
            x.requiresGrad() ? Nd4j.matmul(g, b.swapAxes(batch.length, batch.length + 1).dup('c')) : null,
            y.requiresGrad() ? Nd4j.matmul(a.swapAxes(batch.length, batch.length + 1).dup('c'), g) : null}, x, y);
    }

    /** {@code a} broadcast to {@code [...batch, rows, cols]} as a dense copy. */
    private static INDArray expand(INDArray a, long[] batch, long rows, long cols) {
        long[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = rows;
        full[batch.length + 1] = cols;
        return ElementwiseOps.withRank(a, full.length).broadcast(full).dup('c');
    }
}
