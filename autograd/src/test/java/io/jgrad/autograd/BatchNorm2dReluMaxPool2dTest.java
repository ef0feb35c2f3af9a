package io.jgrad.autograd;

import static io.jgrad.autograd.FusedOpData.assertSameGradients;
import static io.jgrad.autograd.FusedOpData.leaves;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The fused {@code batchNorm2d_relu_maxPool2d} op: exactly {@code maxPool2d(relu(batchNorm2d(x)))}
 * in training mode, bit for bit: output, batch statistics and the gradients of input, weight and bias.
 */
class BatchNorm2dReluMaxPool2dTest {

    /** {kernel, stride, padding}: the 2×2 fast path and overlapping padded 3×3 windows. */
    private static final int[][] WINDOWS = {{2, 2, 0}, {3, 2, 1}};

    @Test
    void matchesTheThreeOpsComposedBitForBitInFloat32() {
        for (int[] k : WINDOWS) {
            for (boolean affine : new boolean[] {true, false}) {
                long[] shape = {6, 5, 8, 8};
                Tensor xs = Tensor.randn(new Rng(101), shape);
                Tensor ws = Tensor.randn(new Rng(102), shape[1]);
                Tensor bs = Tensor.randn(new Rng(103), shape[1]);
                Tensor weights = Tensor.randn(new Rng(104), ReluMaxPool2dTest.outShape(shape, k));
                Variable[] fused = affine ? leaves(xs, ws, bs) : leaves(xs);
                Variable[] plain = affine ? leaves(xs, ws, bs) : leaves(xs);
                Functional.BatchNormResult rf = Functional.batchNorm2dReluMaxPool2d(fused[0], affine ? fused[1] : null,
                        affine ? fused[2] : null, 1e-5, k[0], k[1], k[2]);
                Functional.BatchNormResult rp = Functional.batchNorm2d(plain[0], affine ? plain[1] : null,
                        affine ? plain[2] : null, 1e-5);
                Variable yp = rp.output().relu().maxPool2d(k[0], k[1], k[2]);
                String where = Arrays.toString(k) + ", affine " + affine;
                if (Backend.current() == Backend.CPU) {
                    assertEquals("batchNorm2d_relu_maxPool2d", rf.output().op(), "the cpu backend runs the fused kernel");
                }
                assertArrayEquals(yp.value().toFloatArray(), rf.output().value().toFloatArray(), where);
                assertArrayEquals(rp.stats().mean(), rf.stats().mean(), where);
                assertArrayEquals(rp.stats().biasedVar(), rf.stats().biasedVar(), where);
                assertSameGradients(rf.output(), yp, weights, fused, plain);
            }
        }
    }

    @Test
    void passesFloat64GradCheck() {
        for (int[] k : WINDOWS) {
            GradCheck.Report r = GradCheck.check(
                    v -> Functional.batchNorm2dReluMaxPool2d(v[0], v[1], v[2], 1e-5, k[0], k[1], k[2]).output(),
                    Tensor.randn(new Rng(111), 3, 2, 5, 5).to(DType.FLOAT64), Tensor.randn(new Rng(112), 2).to(DType.FLOAT64),
                    Tensor.randn(new Rng(113), 2).to(DType.FLOAT64));
            assertTrue(r.passed(), r.worst());
        }
    }

    @Test
    void rejectsBadShapesNamingThem() {
        Variable x = Variable.constant(Tensor.randn(new Rng(121), 2, 3, 4, 4));
        Variable w = Variable.of(Tensor.randn(new Rng(122), 5), true);
        Variable b = Variable.of(Tensor.randn(new Rng(123), 5), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm2dReluMaxPool2d(x, w, b, 1e-5, 2, 2, 0));
        assertTrue(e.getMessage().contains("[2, 3, 4, 4]") && e.getMessage().contains("[5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm2dReluMaxPool2d(x, null, null, 1e-5, 5, 5, 0));
        assertTrue(e.getMessage().contains("maxPool2d") && e.getMessage().contains("[2, 3, 4, 4]"), e.getMessage());
    }
}
