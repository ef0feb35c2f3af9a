package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Ops#batchNormRelu}: on {@code cpu} one kernel for float32 whose output, statistics and
 * gradients are those of {@code batchNorm}, {@code relu} and {@code reluBackward} run one after the
 * other, bit for bit (accumulating and overwriting gradient buffers, with and without γ, β, sizes
 * that run on one part and that split over the cores); elsewhere {@code null}, so callers compose
 * the three ops. Runs under either {@code jgrad.backend}: it names its backends itself.
 */
class BatchNormReluKernelTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final Ops ND4J = Ops.of(Backend.ND4J);

    private static INDArray rand(long seed, long... shape) {
        return Tensor.randn(new Rng(seed), shape).array().dup('c');
    }

    @Test
    void cpuKernelIsTheThreeOpsBitForBit() {
        for (long[] nc : new long[][] {{6, 5}, {128, 512}}) {
            for (boolean affine : new boolean[] {true, false}) {
                INDArray x = rand(1, nc).muli(2).addi(0.3);
                INDArray w = affine ? rand(2, nc[1]) : null;
                INDArray b = affine ? rand(3, nc[1]) : null;
                INDArray g = rand(4, nc);
                for (double beta : new double[] {0, 1}) {
                    INDArray[] fused = fused(x, w, b, g, beta);
                    INDArray[] plain = composed(x, w, b, g, beta);
                    String what = "N,C=" + nc[0] + "," + nc[1] + " affine=" + affine + " beta=" + beta;
                    for (int i = 0; i < fused.length; i++) {
                        if (fused[i] != null) {
                            assertArrayEquals(plain[i].data().asFloat(), fused[i].data().asFloat(), what + ", output " + i);
                        }
                    }
                    int zeros = 0;
                    for (float v : fused[0].data().asFloat()) {
                        zeros += v == 0 ? 1 : 0;
                    }
                    assertTrue(zeros > 0 && zeros < x.length(), what + ": the data should exercise the rectifier");
                }
            }
        }
    }

    /** The incoming gradient is only read: the mask goes into the kernel's own copy. */
    @Test
    void leavesTheIncomingGradientUntouched() {
        INDArray x = rand(11, 16, 8);
        INDArray g = rand(12, 16, 8);
        float[] before = g.data().asFloat();
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        BatchNormPass p = CPU.batchNormRelu(x, null, null, 1e-5, y);
        assertNotNull(p);
        p.backward(g, Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c'), 0, null, 0, null, 0);
        assertArrayEquals(before, g.data().asFloat());
    }

    @Test
    void absentWhereThereIsNoFusedKernel() {
        INDArray x = rand(21, 4, 3);
        assertNull(ND4J.batchNormRelu(x, null, null, 1e-5, x.ulike()), "the nd4j backend composes the ops");
        INDArray x64 = x.castTo(DataType.DOUBLE);
        assertNull(CPU.batchNormRelu(x64, null, null, 1e-5, x64.ulike()), "float64 goes through ND4J's form");
    }

    /** y, dx, dγ, dβ of the fused kernel, the gradient buffers starting from the same values. */
    private static INDArray[] fused(INDArray x, INDArray w, INDArray b, INDArray g, double beta) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        BatchNormPass p = CPU.batchNormRelu(x, w, b, 1e-5, y);
        assertNotNull(p, "cpu has the fused kernel for dense float32");
        INDArray[] grads = grads(x, w);
        p.backward(g, grads[0], beta, grads[1], beta, grads[2], beta);
        return new INDArray[] {y, grads[0], grads[1], grads[2]};
    }

    /** The same from batchNorm, relu in place and reluBackward into a separate array. */
    private static INDArray[] composed(INDArray x, INDArray w, INDArray b, INDArray g, double beta) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        BatchNormPass p = CPU.batchNorm(x, w, b, 1e-5, y);
        CPU.relu(y, y);
        INDArray gm = CPU.reluBackward(y, g, Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c'), 0);
        INDArray[] grads = grads(x, w);
        p.backward(gm, grads[0], beta, grads[1], beta, grads[2], beta);
        return new INDArray[] {y, grads[0], grads[1], grads[2]};
    }

    private static INDArray[] grads(INDArray x, INDArray w) {
        return new INDArray[] {rand(31, x.shape()), w == null ? null : rand(32, w.shape()),
                w == null ? null : rand(33, w.shape())};
    }
}
