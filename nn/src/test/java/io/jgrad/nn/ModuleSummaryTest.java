package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import org.junit.jupiter.api.Test;

/** {@link Module#summary}: the exact table, the mode restored, nothing recorded or updated. */
class ModuleSummaryTest {
    private static Sequential smallCnn() {
        Rng.manualSeed(3);
        return new Sequential(new Unflatten(1, 1, 8, 8), new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(64, 10));
    }

    @Test
    void smallCnnTable() {
        String expected = """
                Layer    Type         Output Shape  Param #
                ===========================================
                (model)  Sequential   [2, 10]            --
                0        Unflatten    [2, 1, 8, 8]        0
                1        Conv2d       [2, 4, 8, 8]       40
                2        BatchNorm2d  [2, 4, 8, 8]        8
                3        ReLU         [2, 4, 8, 8]        0
                4        MaxPool2d    [2, 4, 4, 4]        0
                5        Flatten      [2, 64]             0
                6        Linear       [2, 10]           650
                ===========================================
                Total params: 698
                Trainable params: 698
                Non-trainable params: 0
                """;
        assertEquals(expected, smallCnn().summary(2, 64));
    }

    /** A composite that is not a Sequential: its own parameter, a child run inside its forward. */
    private static final class Scaled extends Module {
        private final Parameter scale = registerParameter("scale", new Parameter(io.jgrad.tensor.Tensor.ones(1)));
        private final Linear inner = registerModule("inner", new Linear(3, 1200));

        @Override
        public Variable forward(Variable x) {
            return inner.forward(x).mul(scale);
        }
    }

    @Test
    void nestedSequentialsGetShapesOtherCompositesDoNot() {
        Rng.manualSeed(4);
        Sequential model = new Sequential(new Sequential(new Linear(5, 3), new Tanh()), new Scaled());
        String expected = """
                Layer    Type        Output Shape  Param #
                ==========================================
                (model)  Sequential  [7, 1200]          --
                0        Sequential  [7, 3]             --
                0.0      Linear      [7, 3]             18
                0.1      Tanh        [7, 3]              0
                1        Scaled      [7, 1200]           1
                1.inner  Linear      --              4,800
                ==========================================
                Total params: 4,819
                Trainable params: 4,819
                Non-trainable params: 0
                """;
        assertEquals(expected, model.summary(7, 5));
    }

    @Test
    void restoresTheModeAndChangesNothing() {
        Sequential model = smallCnn();
        float[] runningMean = model.namedBuffers().get("2.running_mean").toFloatArray();
        float[] batches = model.namedBuffers().get("2.num_batches_tracked").toFloatArray();
        model.summary(3, 64);
        assertTrue(model.isTraining() && model.get(2).isTraining(), "training mode restored");
        assertArrayEquals(runningMean, model.namedBuffers().get("2.running_mean").toFloatArray());
        assertArrayEquals(batches, model.namedBuffers().get("2.num_batches_tracked").toFloatArray());
        model.parameters().forEach(p -> assertEquals(null, p.grad()));
        model.eval();
        model.summary(1, 64);
        assertFalse(model.isTraining() || model.get(2).isTraining(), "eval mode kept");
    }

    @Test
    void badShapesAreClearErrors() {
        Sequential model = smallCnn();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, model::summary);
        assertTrue(e.getMessage().contains("give the input shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.summary(0, 64));
        assertTrue(e.getMessage().contains("[0, 64]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.summary(2, 63));
        assertTrue(e.getMessage().startsWith("Module.summary: layer 0 (Unflatten) fails on input [2, 63]"), e.getMessage());
        assertTrue(model.isTraining(), "mode restored after a failure");
    }
}
