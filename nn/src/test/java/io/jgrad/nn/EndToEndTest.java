package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user does first: build an MLP with batch norm, train it by hand with backward() and
 * SGD, save it, load it into a fresh model and get bit-identical outputs.
 */
class EndToEndTest {
    @TempDir
    Path dir;

    private static Sequential model() {
        return new Sequential(new Linear(784, 256), new BatchNorm1d(256), new ReLU(), new Linear(256, 10));
    }

    @Test
    void trainSaveLoadReproducesOutputsBitForBit() {
        Rng.manualSeed(17);
        Sequential net = model();
        Rng data = new Rng(5);
        Tensor x = Tensor.of(data.normal(64 * 784, 0, 1), 64, 784);
        int[] y = new int[64];
        for (int i = 0; i < y.length; i++) {
            y[i] = data.nextInt(10);
        }
        double first = 0;
        double last = 0;
        for (int step = 0; step < 5; step++) {
            net.zeroGrad();
            Variable loss = Losses.crossEntropy(net.forward(Variable.constant(x)), y);
            loss.backward();
            for (Parameter p : net.parameters()) {
                p.value().array().subi(p.grad().array().mul(0.1));
            }
            last = loss.value().item();
            if (step == 0) {
                first = last;
            }
        }
        assertTrue(last < first, "loss should fall under SGD: " + first + " -> " + last);
        assertEquals(5, ((BatchNorm1d) net.get(1)).numBatchesTracked());

        Path file = dir.resolve("mlp.safetensors");
        Checkpoints.save(net, file);
        Rng.manualSeed(99);
        Sequential fresh = model();
        Checkpoints.load(fresh, file);
        for (Sequential m : new Sequential[] {net, fresh}) {
            m.eval();
        }
        try (NoGrad g = Variable.noGrad()) {
            float[] a = net.forward(Variable.constant(x)).value().toFloatArray();
            float[] b = fresh.forward(Variable.constant(x)).value().toFloatArray();
            assertArrayEquals(a, b, "a reloaded model must give the same bits");
        }
        assertEquals(5, ((BatchNorm1d) fresh.get(1)).numBatchesTracked());
    }
}
