package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import org.nd4j.linalg.api.buffer.DataType;
import org.junit.jupiter.api.Test;

/**
 * A convolution's forward may keep its unfolded columns for the weight gradient and return them
 * after the backward; with {@code backward(true)} the backward runs again and must find them
 * still there: the second pass adds exactly the first pass's gradients once more.
 */
class ConvRetainedGraphTest {

    @Test
    void aRetainedGraphRunsTheConvolutionBackwardTwiceWithTheSameColumns() {
        // "same" 3×3 (planar columns) and an unpadded 5×5 over several channels (channels-last), with and without bias
        int[][] cases = {{3, 10, 3, 1}, {4, 12, 5, 0}};
        for (int[] c : cases) {
            for (boolean withBias : new boolean[] {true, false}) {
                Variable x = Variable.of(Tensor.randn(new Rng(91), 3, c[0], c[1], c[1]), true);
                Variable w = Variable.of(Tensor.randn(new Rng(92), 5, c[0], c[2], c[2]), true);
                Variable b = withBias ? Variable.of(Tensor.randn(new Rng(93), 5), true) : null;
                Variable y = x.conv2d(w, b, 1, c[3], 1, 1);
                Variable loss = y.mul(Variable.constant(Tensor.randn(new Rng(94), y.shape()))).sum();
                loss.backward(true);
                float[] once = w.grad().toFloatArray();
                float[] onceX = x.grad().toFloatArray();
                scribbleOverFreedColumns(3, c[0] * c[2] * c[2] + (withBias ? 1 : 0), (c[1] + 2 * c[3] - c[2] + 1));
                loss.backward();
                float[] twice = w.grad().toFloatArray();
                float[] twiceX = x.grad().toFloatArray();
                for (int i = 0; i < once.length; i++) {
                    once[i] *= 2;
                }
                for (int i = 0; i < onceX.length; i++) {
                    onceX[i] *= 2;
                }
                assertArrayEquals(once, twice, "weight, bias " + withBias);
                assertArrayEquals(onceX, twiceX, "input, bias " + withBias);
            }
        }
    }

    /**
     * Takes from the cpu buffer cache a block of the size the kept columns would have had
     * ({@code [n, rows·side²]}) and fills it with NaN: had the first backward returned the
     * columns, this is their block, and the second backward would read NaN.
     */
    private static void scribbleOverFreedColumns(int n, int rows, int side) {
        BufferCache.Leased block = BufferCache.lease(DataType.FLOAT, n, (long) rows * side * side);
        block.array().assign(Float.NaN);
        block.release();
    }
}
