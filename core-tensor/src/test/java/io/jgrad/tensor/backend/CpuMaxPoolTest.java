package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The cpu max pool's recorded winners (offsets {@code i·kW + j} in each window) follow PyTorch
 * 1.13's CPU scan on the cases a search can get wrong: ties go to the first element, −0 ties +0,
 * the last NaN of a window wins, padding never wins. Both the 2×2 fast path and the general
 * window walk, and the backward's scatter onto the winners. Expected values are torch's.
 */
class CpuMaxPoolTest {
    private static final Conv2dSpec PAIRS = Conv2dSpec.square(2, 2, 0, 1);
    private static final float NAN = Float.NaN;

    private static INDArray image(int h, int w, float... v) {
        return Nd4j.create(v, new long[] {1, 1, h, w}, DataType.FLOAT);
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static INDArray grad(int h, int w, float... v) {
        return Nd4j.create(v, new long[] {1, 1, h, w}, DataType.FLOAT);
    }

    /** The gradient into a fresh buffer of stale contents ({@code beta = 0} must overwrite them). */
    private static INDArray backward(long[] xShape, INDArray g, Conv2dSpec s, byte[] winners) {
        INDArray dx = Nd4j.valueArrayOf(xShape, 7f, DataType.FLOAT);
        CpuPool2d.maxBackward(xShape, g, s, winners, dx, 0);
        return dx;
    }

    @Test
    void backwardAccumulatesIntoTheEnginesBufferWithBetaOne() {
        INDArray x = image(2, 4, 3, 3, 1, 5, 3, 3, 5, 5);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, PAIRS);
        INDArray dx = Nd4j.valueArrayOf(x.shape(), 0.5f, DataType.FLOAT);
        CpuPool2d.maxBackward(x.shape(), grad(1, 2, 10, 20), PAIRS, r.winners(), dx, 1);
        assertArrayEquals(new float[] {10.5f, 0.5f, 0.5f, 20.5f, 0.5f, 0.5f, 0.5f, 0.5f}, floats(dx));
        INDArray base = Nd4j.valueArrayOf(new long[] {2, 1, 2, 4}, 1f, DataType.FLOAT);
        INDArray view = base.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        CpuPool2d.maxBackward(x.shape(), grad(1, 2, 10, 20), PAIRS, r.winners(), view, 1);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 11, 1, 1, 21, 1, 1, 1, 1}, floats(base),
                "into a buffer that is a view (offset 8)");
    }

    @Test
    void tiesGoToTheFirstElementAndMinusZeroTiesPlusZero() {
        INDArray x = image(2, 6, 3, 3, 1, 5, -0f, 0f, 3, 3, 5, 5, 0f, -1);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, PAIRS);
        assertArrayEquals(new byte[] {0, 1, 0}, r.winners());
        float[] y = floats(r.output());
        assertArrayEquals(new float[] {3, 5, -0f}, y);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[2]), "torch returns the first, -0");
        INDArray dx = backward(x.shape(), grad(1, 3, 10, 20, 30), PAIRS, r.winners());
        assertArrayEquals(new float[] {10, 0, 0, 20, 30, 0, 0, 0, 0, 0, 0, 0}, floats(dx));
    }

    @Test
    void theLastNanOfAWindowWins() {
        // torch.nn.functional.max_pool2d(x, 2, return_indices=True) gives indices [6, 2, 11], and with stride 1 [6, 2, 2, 3, 11]
        INDArray x = image(2, 6, 1, NAN, NAN, 9, 1, 2, NAN, 2, 8, 9, 3, NAN);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, PAIRS);
        assertArrayEquals(new byte[] {2, 0, 3}, r.winners());
        assertArrayEquals(new float[] {NAN, NAN, NAN}, floats(r.output()));
        ConvOps.MaxPool2dResult walk = CpuPool2d.max(x, Conv2dSpec.square(2, 1, 0, 1));
        assertArrayEquals(new byte[] {2, 1, 0, 0, 3}, walk.winners(), "the general walk, overlapping windows");
        INDArray dx = backward(x.shape(), grad(1, 3, 1, 2, 3), PAIRS, r.winners());
        assertArrayEquals(new float[] {0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 3}, floats(dx));
    }

    @Test
    void paddingNeverWinsEvenOverNegatives() {
        Conv2dSpec padded = Conv2dSpec.square(3, 2, 1, 1);
        INDArray x = image(3, 3, -5, -4, -3, -2, -1, -6, -7, -8, -9);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, padded);
        assertArrayEquals(new float[] {-1, -1, -1, -1}, floats(r.output()));
        assertArrayEquals(new byte[] {8, 6, 2, 0}, r.winners());
        INDArray dx = backward(x.shape(), grad(2, 2, 1, 2, 3, 4), padded, r.winners());
        assertArrayEquals(new float[] {0, 0, 0, 0, 10, 0, 0, 0, 0}, floats(dx), "overlapping windows add up");
    }

    @Test
    void paddedWindowsWithNans() {
        // torch: max_pool2d(x, 3, stride=2, padding=1) gives [nan, nan, nan, 5], indices [3, 1, 3, 5]
        INDArray x = image(3, 3, 1, NAN, 2, NAN, 2, 5, 1, 2, 3);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, Conv2dSpec.square(3, 2, 1, 1));
        assertArrayEquals(new float[] {NAN, NAN, NAN, 5}, floats(r.output()));
        assertArrayEquals(new byte[] {7, 3, 1, 1}, r.winners());
    }

    @Test
    void fastPathOnOddSizesAndManyPlanesAcrossChunksMatchesAPlainScan() {
        float[] xs = floats(Tensor.uniform(new Rng(7), -1, 1, 3, 25, 7, 9).array());
        for (int i = 0; i + 1 < xs.length; i += 11) {
            xs[i] = xs[i + 1];                          // ties inside windows
        }
        for (int i = 5; i < xs.length; i += 97) {
            xs[i] = NAN;
        }
        assertPoolsAsTheScan(xs, new long[] {3, 25, 7, 9}, PAIRS, new long[] {3, 25, 3, 4}, 8);
    }

    @Test
    void aDilatedTwoByTwoWindowIsNotTakenForTheAdjacentPairs() {
        Conv2dSpec dilated = Conv2dSpec.square(2, 2, 0, 2);
        float[] xs = floats(Tensor.uniform(new Rng(9), -1, 1, 2, 3, 9, 8).array());
        assertPoolsAsTheScan(xs, new long[] {2, 3, 9, 8}, dilated, new long[] {2, 3, 4, 3}, 10);
    }

    /**
     * Pools {@code xs} of {@code shape} with the 2×2, stride-2 window {@code s} and checks output
     * (bit for bit) and backward (a random gradient from {@code seed}) against {@link #referenceWinners}.
     */
    private static void assertPoolsAsTheScan(float[] xs, long[] shape, Conv2dSpec s, long[] outShape, long seed) {
        INDArray x = Nd4j.create(xs, shape, DataType.FLOAT);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, s);
        assertArrayEquals(outShape, r.output().shape());
        int[] flat = referenceWinners(xs, (int) (shape[0] * shape[1]), (int) shape[2], (int) shape[3], s.dH());
        float[] y = floats(r.output());
        INDArray g = Tensor.uniform(new Rng(seed), -1, 1, outShape).array();
        float[] gs = floats(g);
        float[] expected = new float[xs.length];
        for (int o = 0; o < y.length; o++) {
            assertEquals(Float.floatToRawIntBits(xs[flat[o]]), Float.floatToRawIntBits(y[o]), "window " + o);
            expected[flat[o]] += gs[o];
        }
        assertArrayEquals(expected, floats(backward(shape, g, s, r.winners())));
    }

    /**
     * PyTorch's scan of each 2×2, stride-2 window (dilation {@code d}) as flat input indices: a later
     * element wins when greater or NaN.
     */
    private static int[] referenceWinners(float[] xs, int planes, int h, int w, int d) {
        int oh = (h - d - 1) / 2 + 1;
        int ow = (w - d - 1) / 2 + 1;
        int[] win = new int[planes * oh * ow];
        for (int p = 0, o = 0; p < planes; p++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++, o++) {
                    int best = -1;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            int at = (p * h + 2 * y + i * d) * w + 2 * x + j * d;
                            if (best < 0 || xs[at] > xs[best] || Float.isNaN(xs[at])) {
                                best = at;
                            }
                        }
                    }
                    win[o] = best;
                }
            }
        }
        return win;
    }
}
