package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A gradient that a reshape's backward hands on as a view of an engine-owned buffer (Flatten's
 * backward in a CNN) goes back to the engine's pool once the node that received the view has
 * consumed it, and only then: scribbling over every pooled buffer of its shape after a backward
 * changes neither that backward's gradients nor the next one's.
 */
class ReshapedGradientPoolTest {
    private static final long[] POOLED = {16, 2, 8, 8};

    /** x [16, 8, 8, 8] → max pool → reshape to [16, 2, 8, 8] → max pool → sum; returns x's gradient. */
    private static float[] gradient(Variable x) {
        x.clearGrad();
        x.maxPool2d(2, 2, 0).reshape(POOLED).maxPool2d(2, 2, 0).sum().backward();
        return x.grad().toFloatArray();
    }

    /** Takes the pool's buffers of the reshaped gradient's shape, fills them with NaN, and hands them back. */
    private static void scribbleOverPooledBuffers() {
        INDArray[] taken = new INDArray[4];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = GradPool.acquire(DataType.FLOAT, POOLED);
            taken[i].assign(Float.NaN);
        }
        for (INDArray a : taken) {
            GradPool.release(a);
        }
    }

    @Test
    void theBufferComesBackOnlyAfterItsConsumerReadIt() {
        Variable x = Variable.of(Tensor.randn(new Rng(41), 16, 8, 8, 8), true);
        float[] first = gradient(x);
        scribbleOverPooledBuffers();
        assertArrayEquals(first, x.grad().toFloatArray(), "the gradient held after backward shares no pooled buffer");
        float[] second = gradient(x);
        assertArrayEquals(first, second, "the next backward reuses the buffer and overwrites it");
        scribbleOverPooledBuffers();
        assertArrayEquals(second, gradient(x), "and again");
    }
}
