package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The two backends compute the same numbers: every kernel of {@link Ops} on random inputs,
 * {@code cpu} (direct BLAS, fused JVM passes) against {@code nd4j} (ND4J ops only), within
 * float32 rounding, and both against a plain reference where one is short to write.
 */
class OpsAgreementTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final Ops ND4J = Ops.of(Backend.ND4J);
    private static final double TOL = 2e-6;

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    private static INDArray positive(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), 0.1, 1, shape).array();
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertClose(expected.dup('c').data().asDouble(), actual.dup('c').data().asDouble(), tol, what);
    }

    private static void assertClose(double[] e, double[] a, double tol, String what) {
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + ", element " + i);
        }
    }

    /** Runs {@code kernel} on copies of {@code inputs} under both backends and compares every array afterwards. */
    private static void sameOnBoth(String what, BiConsumer<Ops, INDArray[]> kernel, INDArray... inputs) {
        sameWithScratch(what, 0, kernel, inputs);
    }

    /** As {@link #sameOnBoth}, the last {@code scratch} arrays being scratch space whose contents are undefined. */
    private static void sameWithScratch(String what, int scratch, BiConsumer<Ops, INDArray[]> kernel, INDArray... inputs) {
        INDArray[] c = dupAll(inputs);
        INDArray[] n = dupAll(inputs);
        kernel.accept(CPU, c);
        kernel.accept(ND4J, n);
        for (int i = 0; i < inputs.length - scratch; i++) {
            assertClose(c[i], n[i], TOL, what + ", array " + i);
        }
    }

    private static INDArray[] dupAll(INDArray[] xs) {
        INDArray[] out = new INDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i] == null ? null : xs[i].dup('c');
        }
        return out;
    }

    @Test
    void gemmAgreesForEveryTransposeAlphaAndBeta() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (double beta : new double[] {0, 1, 0.5}) {
                    INDArray a = ta ? rand(1, 70, 33) : rand(1, 33, 70);
                    INDArray b = tb ? rand(2, 20, 70) : rand(2, 70, 20);
                    INDArray expected = Nd4j.gemm(a.castTo(DataType.DOUBLE), b.castTo(DataType.DOUBLE), ta, tb)
                            .muli(0.75).addi(rand(3, 33, 20).castTo(DataType.DOUBLE).muli(beta));
                    String what = "gemm ta=" + ta + " tb=" + tb + " beta=" + beta;
                    sameOnBoth(what, (ops, x) -> ops.gemm(x[0], ta, x[1], tb, x[2], 0.75, beta), a, b, rand(3, 33, 20));
                    INDArray c = rand(3, 33, 20);
                    assertClose(expected, CPU.gemm(a, ta, b, tb, c, 0.75, beta).castTo(DataType.DOUBLE), 1e-5, what);
                }
            }
        }
    }

    @Test
    void gemmRejectsMisfitShapesOnBothNamingThem() {
        for (Ops ops : new Ops[] {CPU, ND4J}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ops.gemm(rand(1, 3, 4), false, rand(2, 5, 2), false));
            assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("3x4"), e.getMessage());
        }
    }

    @Test
    void biasAndActivationKernelsAgree() {
        INDArray y = rand(4, 9, 300);
        INDArray b = rand(5, 300);
        sameOnBoth("addRowVector", (ops, x) -> ops.addRowVector(x[0], x[1]), y, b);
        for (double beta : new double[] {0, 1}) {
            sameOnBoth("columnSums beta=" + beta, (ops, x) -> ops.columnSums(x[0], x[1], beta), y, b);
            sameOnBoth("reluBackward beta=" + beta, (ops, x) -> ops.reluBackward(x[0], x[1], x[2], beta),
                    CPU.relu(y, y.ulike()), rand(6, 9, 300), rand(7, 9, 300));
        }
        sameOnBoth("relu", (ops, x) -> ops.relu(x[0], x[1]), y, y.ulike().assign(0));
        for (int axis : new int[] {0, 1}) {
            sameOnBoth("softmax", (ops, x) -> x[1].assign(ops.softmaxBackward(ops.softmax(x[0], axis), x[1], axis)),
                    y, rand(8, 9, 300));
            sameOnBoth("logSoftmax", (ops, x) -> x[1].assign(ops.logSoftmaxBackward(ops.logSoftmax(x[0], axis), x[1], axis)),
                    y, rand(8, 9, 300));
        }
        sameOnBoth("sigmoid", (ops, x) -> x[1].assign(ops.sigmoidBackward(ops.sigmoid(x[0]), x[1])), y, rand(9, 9, 300));
        sameOnBoth("tanh", (ops, x) -> x[1].assign(ops.tanhBackward(ops.tanh(x[0]), x[1])), y, rand(9, 9, 300));
    }

    @Test
    void copiesGatherAndRowLogSoftmaxAgree() {
        INDArray logits = rand(10, 7, 11).muli(20);
        assertClose(CPU.rowLogSoftmax(logits, 1.0), ND4J.rowLogSoftmax(logits, 1.0), 1e-9, "rowLogSoftmax");
        assertClose(CPU.rowLogSoftmax(logits, 4.0), ND4J.rowLogSoftmax(logits, 4.0), 1e-9, "rowLogSoftmax T=4");
        assertClose(CPU.toDoubles(logits), ND4J.toDoubles(logits), 0, "toDoubles");
        float[] source = new float[5 * 3];
        for (int i = 0; i < source.length; i++) {
            source[i] = i;
        }
        int[] rows = {4, 0, 2, 2};
        INDArray c = Nd4j.create(DataType.FLOAT, 3, 3);
        INDArray n = Nd4j.create(DataType.FLOAT, 3, 3);
        CPU.gatherRows(source, 3, rows, 1, 4, c);
        ND4J.gatherRows(source, 3, rows, 1, 4, n);
        assertClose(Nd4j.create(new float[] {0, 1, 2, 6, 7, 8, 6, 7, 8}, new long[] {3, 3}, 'c'), c, 0, "gather cpu");
        assertClose(c, n, 0, "gather nd4j");
        float[] data = {1.5f, -2, 3};
        INDArray wc = Nd4j.create(DataType.FLOAT, 3);
        INDArray wn = Nd4j.create(DataType.FLOAT, 3);
        CPU.write(data, wc);
        ND4J.write(data, wn);
        assertClose(wc, wn, 0, "write");
        assertEquals(-2.0, wn.getDouble(1), 0);
    }

    @Test
    void batchNormForwardAndBackwardAgreeInBothModes() {
        for (boolean affine : new boolean[] {true, false}) {
            INDArray x = rand(11, 16, 40).muli(3).addi(1);
            INDArray w = affine ? positive(12, 40) : null;
            INDArray b = affine ? rand(13, 40) : null;
            INDArray g = rand(14, 16, 40);
            for (double beta : new double[] {0, 1}) {
                INDArray[] cpu = batchNorm(CPU, x, w, b, g, beta);
                INDArray[] nd4j = batchNorm(ND4J, x, w, b, g, beta);
                for (int i = 0; i < cpu.length; i++) {
                    if (cpu[i] != null) {
                        assertClose(cpu[i], nd4j[i], 1e-5, "batchNorm affine=" + affine + " beta=" + beta + ", output " + i);
                    }
                }
            }
            BatchNormPass pc = CPU.batchNorm(x, w, b, 1e-5, x.ulike());
            BatchNormPass pn = ND4J.batchNorm(x, w, b, 1e-5, x.ulike());
            // cpu accumulates the statistics as PyTorch's one-thread CPU kernel, nd4j in float32 on the
            // device (its CUDA kernel): they agree within float32 rounding
            assertClose(pc.mean(), pn.mean(), 1e-5, "batch mean");
            assertClose(pc.var(), pn.var(), 1e-5, "batch variance");
            INDArray mean = rand(15, 40);
            INDArray var = positive(16, 40);
            sameOnBoth("batchNormEval affine=" + affine, (ops, a) -> {
                BatchNormPass p = ops.batchNormEval(a[0], w, b, mean, var, 1e-5, a[1]);
                p.backward(g, a[2], 1, affine ? a[3] : null, 0, affine ? a[4] : null, 1);
            }, x, x.ulike(), rand(17, 16, 40), rand(18, 40), rand(19, 40));
        }
    }

    /** y, dx, dγ, dβ of one training-mode pass. */
    private static INDArray[] batchNorm(Ops ops, INDArray x, INDArray w, INDArray b, INDArray g, double beta) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        BatchNormPass p = ops.batchNorm(x, w, b, 1e-5, y);
        INDArray dx = rand(20, x.shape());
        INDArray dw = w == null ? null : rand(21, w.shape());
        INDArray db = w == null ? null : rand(22, w.shape());
        p.backward(g, dx, beta, dw, beta, db, beta);
        return new INDArray[] {y, dx, dw, db};
    }

    @Test
    void optimizerUpdatesAgree() {
        long[] s = {3000};                                   // more than one chunk of the JVM passes
        INDArray p = rand(30, s);
        INDArray g = rand(31, s);
        for (boolean nesterov : new boolean[] {false, true}) {
            for (double wd : new double[] {0, 0.01}) {
                sameWithScratch("sgdMomentum nesterov=" + nesterov + " wd=" + wd, 1,
                        (ops, a) -> ops.sgdMomentum(a[0], a[1], a[2], 0.1, 0.9, nesterov ? 0 : 0.1, nesterov, wd, a[3]),
                        p, g, rand(32, s), rand(33, s));
            }
        }
        for (boolean amsgrad : new boolean[] {false, true}) {
            sameWithScratch("adam amsgrad=" + amsgrad, 1, (ops, a) -> {
                for (int step = 1; step <= 3; step++) {
                    double stepSize = 1e-2 / (1 - Math.pow(0.9, step));
                    double bias2Sqrt = Math.sqrt(1 - Math.pow(0.999, step));
                    ops.adam(a[0], a[1], a[2], a[3], amsgrad ? a[4] : null, 0.9, 0.999, 1e-8, stepSize, bias2Sqrt, a[5]);
                }
            }, p, g, rand(34, s).muli(0.1), positive(35, s).muli(0.01), positive(36, s).muli(0.01), rand(37, s));
        }
        for (double eps : new double[] {1e-10, 0}) {
            sameWithScratch("adagrad eps=" + eps, 1, (ops, a) -> ops.adagrad(a[0], a[1], a[2], 0.01, eps, a[3]),
                    p, g, positive(38, s), rand(39, s));
        }
        for (boolean centered : new boolean[] {false, true}) {
            for (double momentum : new double[] {0, 0.9}) {
                sameWithScratch("rmsprop centered=" + centered + " momentum=" + momentum, 1, (ops, a) -> ops.rmsprop(a[0], a[1],
                        a[2], centered ? a[3] : null, momentum > 0 ? a[4] : null, 0.01, 0.99, 1e-8, momentum, a[5]),
                        p, g, positive(40, s), rand(41, s).muli(0.1), rand(42, s), rand(43, s));
            }
        }
        sameOnBoth("axpy", (ops, a) -> ops.axpy(a[0], -0.5, a[1], a[0]), p, g);
    }
}
