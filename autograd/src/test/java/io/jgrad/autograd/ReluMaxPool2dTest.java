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
import org.junit.jupiter.api.Test;

/**
 * The fused {@code reluMaxPool2d} op: exactly {@code maxPool2d(relu(x))}, forward and backward,
 * bit for bit, including the windows the fused kernel decides differently inside (all values
 * non-positive, where the rectified window's winner is another element; NaN windows; signed zeros).
 */
class ReluMaxPool2dTest {

    /** {kernel, stride, padding}: the 2×2 fast path, overlapping 3×3 windows with padding, a 3×3 window at stride 1. */
    private static final int[][] WINDOWS = {{2, 2, 0}, {3, 2, 1}, {3, 1, 0}};

    @Test
    void matchesMaxPoolOfReluBitForBitInFloat32() {
        for (int[] k : WINDOWS) {
            for (long[] shape : new long[][] {{2, 3, 8, 8}, {5, 4, 7, 9}}) {
                Tensor xs = edgeCases(Tensor.randn(new Rng(51), shape));
                Tensor weights = Tensor.randn(new Rng(52), outShape(shape, k));
                Variable[] fused = leaves(xs);
                Variable[] plain = leaves(xs);
                Variable yf = Functional.reluMaxPool2d(fused[0], k[0], k[1], k[2]);
                Variable yp = plain[0].relu().maxPool2d(k[0], k[1], k[2]);
                if (Backend.current() == Backend.CPU) {
                    assertEquals("reluMaxPool2d", yf.op(), "the cpu backend runs the fused kernel");
                }
                assertArrayEquals(yp.value().toFloatArray(), yf.value().toFloatArray(), java.util.Arrays.toString(k));
                assertSameGradients(yf, yp, weights, fused, plain);
            }
        }
    }

    /** The input's gradient is accumulated onto another use's ({@code dx = 1·dx + ∂L/∂x}) as the composed ops do. */
    @Test
    void accumulatesOntoAnotherUseOfTheInput() {
        for (int[] k : WINDOWS) {
            Tensor xs = Tensor.randn(new Rng(61), 3, 2, 6, 6);
            Tensor weights = Tensor.randn(new Rng(62), outShape(xs.shape(), k));
            Variable[] fused = leaves(xs);
            Variable[] plain = leaves(xs);
            Variable yf = Functional.reluMaxPool2d(fused[0], k[0], k[1], k[2]).mul(Variable.constant(weights)).sum()
                    .add(fused[0].mul(fused[0]).sum());
            Variable yp = plain[0].relu().maxPool2d(k[0], k[1], k[2]).mul(Variable.constant(weights)).sum()
                    .add(plain[0].mul(plain[0]).sum());
            yf.backward();
            yp.backward();
            assertArrayEquals(plain[0].grad().toFloatArray(), fused[0].grad().toFloatArray(), java.util.Arrays.toString(k));
        }
    }

    @Test
    void passesFloat64GradCheck() {
        for (int[] k : WINDOWS) {
            GradCheck.Report r = GradCheck.check(v -> Functional.reluMaxPool2d(v[0], k[0], k[1], k[2]),
                    Tensor.randn(new Rng(71), 2, 2, 5, 5).to(DType.FLOAT64));
            assertTrue(r.passed(), r.worst());
        }
    }

    @Test
    void rejectsBadShapesAndTypesNamingThem() {
        Variable flat = Variable.constant(Tensor.randn(new Rng(81), 3, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.reluMaxPool2d(flat, 2, 2, 0));
        assertTrue(e.getMessage().contains("maxPool2d") && e.getMessage().contains("[3, 4]"), e.getMessage());
        Variable small = Variable.constant(Tensor.randn(new Rng(82), 1, 1, 2, 2));
        e = assertThrows(IllegalArgumentException.class, () -> Functional.reluMaxPool2d(small, 3, 3, 0));
        assertTrue(e.getMessage().contains("[1, 1, 2, 2]"), e.getMessage());
        Variable ints = Variable.constant(Tensor.ofLongs(new long[16], 1, 1, 4, 4));
        e = assertThrows(IllegalArgumentException.class, () -> Functional.reluMaxPool2d(ints, 2, 2, 0));
        assertTrue(e.getMessage().contains("reluMaxPool2d"), e.getMessage());
    }

    /**
     * {@code x} with its first plane's windows made awkward: one all negative, one of zeros of both
     * signs, one holding a NaN, one with equal positive maxima, one with +∞.
     */
    private static Tensor edgeCases(Tensor x) {
        float[] v = x.toFloatArray();
        int w = (int) x.shape()[3];
        float[][] rows = {
            {-1f, -0.5f, -0f, 0f, Float.NaN, 2f, 3f, 3f},
            {-2f, -3f, 0f, -0f, 1f, -1f, 3f, 1f},
            {Float.POSITIVE_INFINITY, 1f, -4f, -0f, 0.25f, 0.25f, -1f, -2f}};
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, v, r * w, Math.min(w, rows[r].length));
        }
        return Tensor.of(v, x.shape());
    }

    static long[] outShape(long[] s, int[] k) {
        return new long[] {s[0], s[1], (s[2] + 2L * k[2] - k[0]) / k[1] + 1, (s[3] + 2L * k[2] - k[0]) / k[1] + 1};
    }
}
