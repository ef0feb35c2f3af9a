package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cpu max pool's recorded winners follow PyTorch's CPU rules on the cases a search can get
 * wrong (ties go to the first element in scan order, a NaN wins and stays, padding never wins),
 * on both its 2×2 fast path and its general window walk, and its backward scatters onto them.
 */
class CpuMaxPoolTest {
    private static final Conv2dSpec PAIRS = Conv2dSpec.square(2, 2, 0, 1);

    private static INDArray image(int h, int w, float... v) {
        return Nd4j.create(v, new long[] {1, 1, h, w}, DataType.FLOAT);
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    @Test
    void tiesGoToTheFirstElementInScanOrder() {
        INDArray x = image(2, 4, 3, 3, 1, 5, 3, 3, 5, 5);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, PAIRS);
        assertArrayEquals(new float[] {3, 5}, floats(r.output()));
        assertArrayEquals(new int[] {0, 3}, r.winners());
        INDArray dx = CpuPool2d.maxBackward(x.shape(), Nd4j.create(new float[] {10, 20}, new long[] {1, 1, 1, 2}),
                PAIRS, r.winners());
        assertArrayEquals(new float[] {10, 0, 0, 20, 0, 0, 0, 0}, floats(dx));
    }

    @Test
    void aNanWinsAndNothingAfterItDoes() {
        float nan = Float.NaN;
        INDArray x = image(2, 6, 1, nan, nan, 9, 1, 2, 9, 7, 8, 9, 3, nan);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, PAIRS);
        assertArrayEquals(new int[] {1, 2, 11}, r.winners());
        assertArrayEquals(new float[] {nan, nan, nan}, floats(r.output()));
        ConvOps.MaxPool2dResult walk = CpuPool2d.max(x, Conv2dSpec.square(2, 1, 0, 1));
        assertArrayEquals(new int[] {1, 1, 2, 3, 11}, walk.winners(), "the general walk, overlapping windows");
    }

    @Test
    void paddingNeverWinsEvenOverNegatives() {
        Conv2dSpec padded = Conv2dSpec.square(3, 2, 1, 1);
        INDArray x = image(3, 3, -5, -4, -3, -2, -1, -6, -7, -8, -9);
        ConvOps.MaxPool2dResult r = CpuPool2d.max(x, padded);
        assertArrayEquals(new float[] {-1, -1, -1, -1}, floats(r.output()));
        assertArrayEquals(new int[] {4, 4, 4, 4}, r.winners());
        INDArray dx = CpuPool2d.maxBackward(x.shape(), Nd4j.create(new float[] {1, 2, 3, 4}, new long[] {1, 1, 2, 2}),
                padded, r.winners());
        assertArrayEquals(new float[] {0, 0, 0, 0, 10, 0, 0, 0, 0}, floats(dx), "overlapping windows add up");
    }

    @Test
    void fastPathOnOddSizesAndManyPlanesMatchesAPlainScan() {
        float[] xs = floats(Tensor.uniform(new Rng(7), -1, 1, 3, 5, 7, 9).array());
        for (int i = 0; i + 1 < xs.length; i += 11) {
            xs[i] = xs[i + 1];                          // ties inside windows
        }
        INDArray x = Nd4j.create(xs, new long[] {3, 5, 7, 9}, DataType.FLOAT);
        ConvOps.MaxPool2dResult fast = CpuPool2d.max(x, PAIRS);
        assertArrayEquals(new long[] {3, 5, 3, 4}, fast.output().shape());
        int[] expectedWinners = referenceWinners(xs, 15, 7, 9);
        assertArrayEquals(expectedWinners, fast.winners());
        float[] y = floats(fast.output());
        for (int o = 0; o < y.length; o++) {
            assertEquals(xs[expectedWinners[o]], y[o]);
        }
        INDArray g = Tensor.uniform(new Rng(8), -1, 1, 3, 5, 3, 4).array();
        float[] gs = floats(g);
        float[] expected = new float[xs.length];
        for (int o = 0; o < gs.length; o++) {
            expected[expectedWinners[o]] += gs[o];
        }
        assertArrayEquals(expected, floats(CpuPool2d.maxBackward(x.shape(), g, PAIRS, fast.winners())));
    }

    /** A plain first-strictly-greater scan of each 2×2 window (no NaN in the input). */
    private static int[] referenceWinners(float[] xs, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        int[] win = new int[planes * oh * ow];
        for (int p = 0, o = 0; p < planes; p++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++, o++) {
                    int best = -1;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            int at = (p * h + 2 * y + i) * w + 2 * x + j;
                            if (best < 0 || xs[at] > xs[best]) {
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
