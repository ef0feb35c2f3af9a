package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The image layers' error messages (naming layer and shapes), state-dict keys, and Dropout on 4-d input. */
class ImageLayersTest {
    @Test
    void wrongChannelCountNamesTheLayerAndBothShapes() {
        Variable rgb = Variable.constant(Tensor.zeros(2, 3, 8, 8));
        String m = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 4, 3).forward(rgb)).getMessage();
        assertTrue(m.startsWith("Conv2d(1, 4, kernel_size=3)") && m.contains("[N, 1, H, W]") && m.contains("[2, 3, 8, 8]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).forward(rgb)).getMessage();
        assertTrue(m.contains("BatchNorm2d(4)") && m.contains("[2, 3, 8, 8]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new MaxPool2d(2).forward(Variable.constant(Tensor.zeros(3, 8, 8)))).getMessage();
        assertTrue(m.contains("maxPool2d") && m.contains("[3, 8, 8]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new Linear(5, 2).forward(Variable.constant(Tensor.zeros(2, 3, 4)))).getMessage();
        assertTrue(m.contains("Linear(5, 2)") && m.contains("[..., 5]") && m.contains("[2, 3, 4]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new Embedding(4, 2).lookup(1, 4)).getMessage();
        assertTrue(m.contains("Embedding(4, 2)") && m.contains("index 4"), m);
    }

    @Test
    void stateDictKeysArePyTorchs() {
        Sequential net = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new LayerNorm(4), new Embedding(3, 4));
        assertEquals(java.util.List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "2.weight", "2.bias", "3.weight"), java.util.List.copyOf(net.stateDict().keySet()));
        assertArrayEquals(new long[] {2, 1, 3, 3}, net.stateDict().get("0.weight").shape());
    }

    @Test
    void dropoutMasksAnyShapeAndRoutesTheGradientThroughTheSameMask() {
        Dropout d = new Dropout(0.5, new Rng(7));
        Variable x = Variable.of(Tensor.ones(4, 3, 8, 8), true);
        Variable y = d.forward(x);
        y.sum().backward();
        float[] out = y.value().toFloatArray();
        float[] grad = x.grad().toFloatArray();
        int zeros = 0;
        for (int i = 0; i < out.length; i++) {
            assertTrue(out[i] == 0 || out[i] == 2f, "survivors are scaled by 1/(1-p): " + out[i]);
            assertEquals(out[i], grad[i], "the gradient uses the forward's mask");
            zeros += out[i] == 0 ? 1 : 0;
        }
        assertTrue(zeros > out.length * 0.4 && zeros < out.length * 0.6, zeros + " of " + out.length + " dropped");
        assertArrayEquals(new long[] {4, 3, 8, 8}, y.shape());
    }
}
