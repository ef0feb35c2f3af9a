package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Ops whose backward writes into the engine's buffers ({@link Variable#fromAccumulatingOp}):
 * the gradients equal those of the ordinary ops, whether the target is a leaf's grad buffer
 * (fresh, accumulating, or lazily zeroed) or the pending gradient of an intermediate node.
 */
class AccumulatingOpTest {
    private static Variable leaf(float[] data, long... shape) {
        return Variable.of(Tensor.of(data, shape), true);
    }

    /** {@code a·b} whose backward GEMMs write into the targets with their beta. */
    private static Variable fusedMatmul(Variable a, Variable b) {
        INDArray av = a.value().array();
        INDArray bv = b.value().array();
        return Variable.fromAccumulatingOp("fusedMatmul", Nd4j.gemm(av, bv, false, false), (g, sink) -> {
            if (sink.requires(0)) {
                GradSink.Target t = sink.target(0);
                Nd4j.gemm(g, bv, t.array(), false, true, 1.0, t.beta());
            }
            if (sink.requires(1)) {
                GradSink.Target t = sink.target(1);
                Nd4j.gemm(av, g, t.array(), true, false, 1.0, t.beta());
            }
        }, a, b);
    }

    private static final float[] A = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {0.5f, -1, 2, 0.25f, -3, 1};

    @Test
    void gradientsMatchTheOrdinaryOpAndAccumulateAcrossBackwards() {
        Variable a = leaf(A, 2, 3);
        Variable b = leaf(B, 3, 2);
        Variable a2 = leaf(A, 2, 3);
        Variable b2 = leaf(B, 3, 2);
        for (int round = 0; round < 2; round++) {           // second round accumulates (beta = 1)
            fusedMatmul(a, b).tanh().sum().backward();
            a2.matmul(b2).tanh().sum().backward();
            assertArrayEquals(a2.grad().toFloatArray(), a.grad().toFloatArray(), 1e-6f);
            assertArrayEquals(b2.grad().toFloatArray(), b.grad().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void zeroGradMakesTheNextBackwardOverwriteTheSameBuffer() {
        Variable a = leaf(A, 2, 3);
        Variable b = Variable.constant(Tensor.of(B, 3, 2));
        fusedMatmul(a, b).sum().backward();
        Tensor buffer = a.grad();
        float[] once = buffer.toFloatArray();
        a.zeroGrad();
        fusedMatmul(a, b).sum().backward();
        assertTrue(buffer == a.grad(), "the buffer is reused");
        assertArrayEquals(once, a.grad().toFloatArray(), 0f);
        a.zeroGrad();
        assertArrayEquals(new float[6], a.grad().toFloatArray(), 0f);
    }

    @Test
    void intermediateTargetsSumWithOtherPathsGradients() {
        Variable a = leaf(A, 2, 3);
        Variable b = leaf(B, 3, 2);
        Variable a2 = leaf(A, 2, 3);
        Variable b2 = leaf(B, 3, 2);
        // h is used twice: its gradient is the sum of a returned array and a written target
        Variable h = a.mul(a);
        fusedMatmul(h, b).sum().add(h.sum()).backward();
        Variable h2 = a2.mul(a2);
        h2.matmul(b2).sum().add(h2.sum()).backward();
        assertArrayEquals(a2.grad().toFloatArray(), a.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(b2.grad().toFloatArray(), b.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void reusedGradientBuffersGiveTheSameGradientsEveryStep() {
        Variable w1 = leaf(A, 3, 2);
        Variable w2 = leaf(B, 2, 3);
        Variable x = Variable.constant(Tensor.of(B, 2, 3));
        float[][] first = null;
        for (int step = 0; step < 4; step++) {
            w1.zeroGrad();
            w2.zeroGrad();
            // relu and matmul pass pooled [2, 2] and [2, 3] buffers between each other
            x.matmul(w1).relu().matmul(w2).relu().matmul(w1).sum().backward();
            float[][] now = {w1.grad().toFloatArray(), w2.grad().toFloatArray()};
            if (first == null) {
                first = now;
            } else {
                assertArrayEquals(first[0], now[0], 0f);
                assertArrayEquals(first[1], now[1], 0f);
            }
        }
        Variable w1b = leaf(A, 3, 2);
        Variable w2b = leaf(B, 2, 3);
        x.matmul(w1b).relu().matmul(w2b).relu().matmul(w1b).sum().backward();
        assertArrayEquals(w1b.grad().toFloatArray(), first[0], 0f);
    }

    @Test
    void askingForATargetOfAConstantIsAnError() {
        Variable a = leaf(A, 2, 3);
        Variable c = Variable.constant(Tensor.of(B, 3, 2));
        Variable y = Variable.fromAccumulatingOp("bad", Nd4j.gemm(a.value().array(), c.value().array(), false, false),
                (g, sink) -> sink.target(1), a, c);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("input 1"), e.getMessage());
    }

    @Test
    void anomalyModeChecksWrittenTargets() {
        Variable a = leaf(A, 2, 3);
        Variable y = Variable.fromAccumulatingOp("nanOp", a.value().array().dup(), (g, sink) -> {
            GradSink.Target t = sink.target(0);
            t.array().assign(Float.NaN);
        }, a);
        try (AnomalyMode m = AnomalyMode.enable()) {
            NumericalAnomalyException e = assertThrows(NumericalAnomalyException.class, () -> y.sum().backward());
            assertEquals("nanOp", e.op());
        }
    }
}
