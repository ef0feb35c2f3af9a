package io.jgrad.autograd;

import static io.jgrad.autograd.FusedOpData.assertSameGradients;
import static io.jgrad.autograd.FusedOpData.countZeros;
import static io.jgrad.autograd.FusedOpData.leaves;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The fused {@code batchNorm_relu} op: exactly {@code relu(batchNorm(...))}, forward, statistics and backward. */
class BatchNormReluTest {

    /** Fused and unfused on the same float32 data (large enough for the cpu kernel to split by channels). */
    @Test
    void matchesReluOfBatchNormBitForBitInFloat32() {
        for (int[] nc : new int[][] {{5, 7}, {128, 512}}) {
            Tensor xs = Tensor.randn(new Rng(11), nc[0], nc[1]);
            Tensor ws = Tensor.randn(new Rng(12), nc[1]);
            Tensor bs = Tensor.randn(new Rng(13), nc[1]);
            Tensor weights = Tensor.randn(new Rng(14), nc[0], nc[1]);
            Variable[] fused = leaves(xs, ws, bs);
            Variable[] plain = leaves(xs, ws, bs);
            Functional.BatchNormResult rf = Functional.batchNormRelu(fused[0], fused[1], fused[2], 1e-5);
            Functional.BatchNormResult rp = Functional.batchNorm(plain[0], plain[1], plain[2], 1e-5);
            Variable yf = rf.output();
            Variable yp = rp.output().relu();
            assertEquals("batchNorm_relu", yf.op());
            assertArrayEquals(yp.value().toFloatArray(), yf.value().toFloatArray());
            assertArrayEquals(rp.stats().mean(), rf.stats().mean());
            assertArrayEquals(rp.stats().biasedVar(), rf.stats().biasedVar());
            int zeros = countZeros(yf.value().toFloatArray());
            assertTrue(zeros > 0 && zeros < nc[0] * nc[1], "the data should exercise the rectifier's zeros");
            assertSameGradients(yf, yp, weights, fused, plain);
        }
    }

    @Test
    void passesFloat64GradCheckWithAndWithoutAffine() {
        GradCheck.Report affine = GradCheck.check(v -> Functional.batchNormRelu(v[0], v[1], v[2], 1e-5).output(),
                Tensor.randn(new Rng(21), 6, 4).to(DType.FLOAT64), Tensor.randn(new Rng(22), 4).to(DType.FLOAT64),
                Tensor.randn(new Rng(23), 4).to(DType.FLOAT64));
        assertTrue(affine.passed(), affine.worst());
        GradCheck.Report plain = GradCheck.check(v -> Functional.batchNormRelu(v[0], null, null, 1e-5).output(),
                Tensor.randn(new Rng(24), 6, 4).to(DType.FLOAT64));
        assertTrue(plain.passed(), plain.worst());
    }

    /** The incoming gradient may be the caller's own array: the fused backward must not write into it. */
    @Test
    void leavesACallerSuppliedSeedUntouched() {
        Variable x = Variable.of(Tensor.randn(new Rng(31), 3, 4), true);
        Variable y = Functional.batchNormRelu(x, null, null, 1e-5).output();
        FusedOpData.assertSeedUntouched(y, Tensor.randn(new Rng(33), 3, 4));
    }

    @Test
    void rejectsMismatchedShapesNamingThem() {
        Variable x = Variable.constant(Tensor.randn(new Rng(41), 3, 4));
        Variable w = Variable.of(Tensor.randn(new Rng(42), 5), true);
        Variable b = Variable.of(Tensor.randn(new Rng(43), 5), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNormRelu(x, w, b, 1e-5));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5]"), e.getMessage());
    }
}
