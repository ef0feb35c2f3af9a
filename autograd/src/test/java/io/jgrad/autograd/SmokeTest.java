package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void mulAddBroadcastBackward() {
        Variable x = Variable.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), true);
        Variable b = Variable.of(Tensor.of(new float[] {1, 1, 1}, 3), true);
        Variable y = x.mul(x).add(b).sum();
        y.backward();
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {2, 2, 2}, b.grad().toFloatArray());
        assertEquals(91 + 6, y.value().item());
    }

    @Test
    void gradCheckChain() {
        Tensor a = Tensor.randn(1, 3, 4).to(io.jgrad.tensor.DType.FLOAT64);
        Tensor w = Tensor.randn(2, 4, 2).to(io.jgrad.tensor.DType.FLOAT64);
        GradCheck.assertGradients(v -> v[0].matmul(v[1]).tanh().logSoftmax(1).mean(0, false), a, w);
        GradCheck.assertGradients(v -> v[0].softmax(0).mul(v[0]).sigmoid().sum(1, true), a);
    }
}
