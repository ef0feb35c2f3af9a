package io.jgrad.autograd;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;

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
}
