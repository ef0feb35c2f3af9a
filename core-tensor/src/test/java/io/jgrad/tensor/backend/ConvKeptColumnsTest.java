package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The cpu convolution's forward keeps its columns for the weight gradient
 * ({@link ConvOps#conv2dKeepingColumns}): output and every gradient are bit for bit those of the
 * plain forward and a backward that unfolds each image again, in both column layouts (planar and
 * channels-last), with and without a bias (whose folded row or entries of ones the backward must
 * skip), at one and two threads.
 */
class ConvKeptColumnsTest {
    private final ConvOps conv = Ops.of(Backend.CPU).conv();
    private final int before = Threads.count();

    @AfterEach
    void restoreThreads() {
        Threads.set(before);
    }

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    @Test
    void keptColumnsGiveTheSameOutputAndGradientsAsUnfoldingAgain() {
        // {C, H, padding, kernel}: "same" 3×3 (planar), unpadded 5×5 over several channels (channels-last), one channel
        int[][] cases = {{3, 10, 1, 3}, {4, 12, 0, 5}, {1, 9, 0, 5}};
        for (int threads : new int[] {1, 2}) {
            Threads.set(threads);
            for (int[] c : cases) {
                for (boolean withBias : new boolean[] {true, false}) {
                    Conv2dSpec s = Conv2dSpec.square(c[3], 1, c[2], 1);
                    INDArray x = rand(1, 5, c[0], c[1], c[1]);
                    INDArray w = rand(2, 6, c[0], c[3], c[3]);
                    INDArray b = withBias ? rand(3, 6) : null;
                    INDArray plain = conv.conv2d(x, w, b, s);
                    ConvOps.Conv2dResult kept = conv.conv2dKeepingColumns(x, w, b, s);
                    assertNotNull(kept.columns(), "the cpu forward keeps its columns");
                    String where = threads + " threads, C=" + c[0] + ", kernel " + c[3] + ", bias " + withBias;
                    assertArrayEquals(plain.data().asFloat(), kept.output().data().asFloat(), where);
                    INDArray g = rand(4, plain.shape());
                    INDArray dxPlain = rand(5, x.shape());
                    INDArray dxKept = dxPlain.dup();
                    INDArray[] p = conv.conv2dBackward(x, w, withBias, g, s, dxPlain, 0.5, true, true);
                    INDArray[] k = conv.conv2dBackward(x, w, withBias, g, s, dxKept, 0.5, true, true, kept);
                    for (int i = 0; i < 3; i++) {
                        if (p[i] == null) {
                            assertNull(k[i], where + ", gradient " + i);
                        } else {
                            assertArrayEquals(p[i].data().asFloat(), k[i].data().asFloat(), where + ", gradient " + i);
                        }
                    }
                    kept.release();
                    kept.release();          // idempotent
                }
            }
        }
    }
}
