package io.jgrad.bench;

import io.jgrad.tensor.backend.LossPass;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An experiment, not part of the bench (bench/README.md, "How soon a process reaches its steady
 * speed"): with -Dbench.prewarm=true, Bench.main first ran this, which calls the cpu backend's
 * kernels for W1 and W3 (GEMM, bias add, ReLU and its backward, column sums, cross entropy and its
 * backward, Adam) 6,000 times on arrays of their shapes, then waits 2.5 s for the compile queue to
 * drain: what a process would see if those kernels were compiled before its first step (as native
 * code would be), while the glue (autograd, nn, optim, ND4J's array classes) starts cold.
 */
final class KernelPrewarm {
    static void run() throws Exception {
        Ops ops = Ops.get();
        int[][] shapes = {{32, 784, 64, 10}, {128, 784, 256, 10}, {128, 256, 128, 10}};
        long t0 = System.nanoTime();
        for (int it = 0; it < 6000; it++) {
            int[] s = shapes[it % 3];
            int n = s[0], in = s[1], h = s[2], c = s[3];
            INDArray x = Nd4j.rand(DataType.FLOAT, n, in);
            INDArray w = Nd4j.rand(DataType.FLOAT, in, h);
            INDArray y = Nd4j.createUninitialized(DataType.FLOAT, n, h);
            ops.gemm(x, false, w, false, y, 1, 0);
            INDArray b = Nd4j.rand(DataType.FLOAT, h);
            ops.addRowVector(y, b);
            INDArray r = Nd4j.createUninitialized(DataType.FLOAT, n, h);
            ops.relu(y, r);
            INDArray g = Nd4j.rand(DataType.FLOAT, n, h);
            INDArray d = Nd4j.createUninitialized(DataType.FLOAT, n, h);
            ops.reluBackward(r, g, d, 0);
            INDArray cs = Nd4j.createUninitialized(DataType.FLOAT, h);
            ops.columnSums(d, cs, 0);
            INDArray dw = Nd4j.createUninitialized(DataType.FLOAT, in, h);
            ops.gemm(x, true, d, false, dw, 1, 0);
            INDArray logits = Nd4j.rand(DataType.FLOAT, n, c);
            INDArray t = Nd4j.zeros(DataType.INT64, n);
            LossPass lp = ops.crossEntropy(logits, t, -100);
            lp.backward(Nd4j.scalar(1f), true, false);
            INDArray p = Nd4j.rand(DataType.FLOAT, in, h).muli(0.01);
            INDArray m = Nd4j.zeros(DataType.FLOAT, in, h);
            INDArray v = Nd4j.zeros(DataType.FLOAT, in, h);
            ops.adam(p, dw.muli(0.001), m, v, null, 0.9, 0.999, 1e-8, 1e-3, 1, null);
        }
        System.err.printf("prewarm %.2f s%n", (System.nanoTime() - t0) / 1e9);
        System.gc();
        Thread.sleep(2500);
    }
}
