package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ConvOps#conv2dBackwardInto} writes the weight gradient into the engine's buffer bit for
 * bit as {@code conv2dBackward}'s returned gradient written in would be: overwriting it
 * ({@code beta = 0}) or added to what it holds ({@code beta = 1}), on the cpu kernels (both column
 * layouts, with and without bias) and on ND4J's, whose default writes the returned gradient in.
 */
class ConvWeightGradIntoTest {

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    @Test
    void theWeightGradientGoesIntoTheBufferAsItWouldBeAdded() {
        // {C, H, padding, kernel}: "same" 3×3 (planar columns), unpadded 5×5 over several channels (channels-last)
        int[][] cases = {{3, 10, 1, 3}, {4, 12, 0, 5}};
        for (Backend backend : new Backend[] {Backend.CPU, Backend.ND4J}) {
            ConvOps conv = Ops.of(backend).conv();
            for (int[] c : cases) {
                for (boolean withBias : new boolean[] {true, false}) {
                    for (double beta : new double[] {0, 1}) {
                        String where = backend + ", C=" + c[0] + ", kernel " + c[3] + ", bias " + withBias + ", beta " + beta;
                        Conv2dSpec s = Conv2dSpec.square(c[3], 1, c[2], 1);
                        INDArray x = rand(1, 5, c[0], c[1], c[1]);
                        INDArray w = rand(2, 6, c[0], c[3], c[3]);
                        INDArray b = withBias ? rand(3, 6) : null;
                        INDArray g = rand(4, conv.conv2d(x, w, b, s).shape());
                        INDArray[] plain = conv.conv2dBackward(x, w, withBias, g, s, rand(5, x.shape()), 1, true, true);
                        INDArray expected = rand(6, w.shape());
                        ConvOps.accumulate(expected, beta, plain[1]);
                        INDArray dw = rand(6, w.shape());
                        INDArray[] into = conv.conv2dBackwardInto(x, w, withBias, g, s, rand(5, x.shape()), 1, dw, beta,
                                true, null);
                        assertSame(dw, into[1], where);
                        assertArrayEquals(floats(expected), floats(dw), where + ": dW");
                        assertArrayEquals(floats(plain[0]), floats(into[0]), where + ": dx");
                        if (withBias) {
                            assertArrayEquals(floats(plain[2]), floats(into[2]), where + ": db");
                        }
                    }
                }
            }
        }
    }
}
