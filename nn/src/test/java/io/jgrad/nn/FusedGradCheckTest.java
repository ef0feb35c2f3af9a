package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.autograd.GradCheck;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks (float64) of the layers' fused nodes. */
class FusedGradCheckTest {
    private static Tensor randn64(long seed, long... shape) {
        return Tensor.randn(new Rng(seed), shape).to(DType.FLOAT64);
    }

    @Test
    void linear() {
        GradCheck.assertGradients(v -> Linear.linear(v[0], v[1], v[2]), randn64(1, 5, 4), randn64(2, 3, 4), randn64(3, 3));
        GradCheck.assertGradients(v -> Linear.linear(v[0], v[1], null), randn64(1, 5, 4), randn64(2, 3, 4));
    }

    @Test
    void batchNormWithBatchStatistics() {
        Tensor x = randn64(4, 6, 3);
        x.array().muli(2).addi(0.7);
        GradCheck.assertGradients(v -> BatchNorm1d.normalizeWithBatchStats(v[0], v[1], v[2], 1e-5).output(),
                x, randn64(5, 3), randn64(6, 3));
        GradCheck.assertGradients(v -> BatchNorm1d.normalizeWithBatchStats(v[0], null, null, 1e-3).output(), x);
    }

    @Test
    void batchNormWithRunningStatistics() {
        Tensor mean = randn64(7, 3);
        Tensor var = Tensor.of(new double[] {0.5, 2.0, 1.3}, 3);
        GradCheck.assertGradients(v -> BatchNorm1d.normalizeWithRunningStats(v[0], v[1], v[2], mean.array(),
                var.array(), 1e-5), randn64(8, 4, 3), randn64(9, 3), randn64(10, 3));
    }

    @Test
    void batchNormReturnsPyTorchStatistics() {
        Tensor x = Tensor.of(new double[] {1, 10, 2, 20, 4, 40}, 3, 2);
        BatchNorm1d.BatchResult r = BatchNorm1d.normalizeWithBatchStats(Variable.constant(x), null, null, 0);
        assertArrayEquals(new double[] {7.0 / 3, 70.0 / 3}, r.mean(), 1e-12);
        double v0 = ((1 - 7.0 / 3) * (1 - 7.0 / 3) + (2 - 7.0 / 3) * (2 - 7.0 / 3) + (4 - 7.0 / 3) * (4 - 7.0 / 3)) / 3;
        assertEquals(v0, r.biasedVar()[0], 1e-12, "the biased variance normalises");
    }

    @Test
    void leakyRelu() {
        // keep inputs away from 0, where the function has a kink
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0.3, 1.7, -0.01, 0.02}, 2, 3);
        GradCheck.assertGradients(v -> LeakyReLU.leakyRelu(v[0], 0.1), x);
    }
}
