package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.LambdaLR;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.BestCheckpoint;
import io.jgrad.train.Callback;
import io.jgrad.train.EpochStats;
import io.jgrad.train.History;
import io.jgrad.train.NonFiniteLoss;
import io.jgrad.train.NonFiniteLossException;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import io.jgrad.train.TrainingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learning rate that jumps to 1e20 after two good epochs makes the weights, then the logits,
 * overflow: the Trainer stops at the first non-finite loss with a message saying where, applies
 * no update from it, and the best checkpoint written before stays byte for byte the same and loads.
 */
class DivergenceTest {
    @TempDir
    Path dir;

    private static final Dataset DATA = SyntheticClassification.builder().samples(320).features(20).informative(8)
            .redundant(4).classes(4).seed(5).build();

    private static Trainer.Builder diverging(Module model, Path checkpoint, Callback... more) {
        Optimizer adam = Adam.builder(model.parameters()).lr(1e-2).build();
        LambdaLR blowUp = new LambdaLR(adam, (int epoch) -> epoch < 2 ? 1.0 : 1e22);
        Callback[] callbacks = new Callback[more.length + 1];
        callbacks[0] = new BestCheckpoint(checkpoint, "train_loss");
        System.arraycopy(more, 0, callbacks, 1, more.length);
        return Trainer.builder().model(model).optimizer(adam).scheduler(blowUp).epochs(6).batchSize(32).seed(1)
                .progress(Progress.none()).callbacks(callbacks);
    }

    @Test
    void aDivergingRunStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws Exception {
        Rng.manualSeed(8);
        Module model = new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 4));
        Path file = dir.resolve("best.safetensors");
        byte[][] afterEpoch2 = new byte[1][];
        Callback snapshot = new Callback() {
            @Override
            public void onEpochEnd(EpochStats stats, TrainingContext ctx) {
                if (stats.epoch() == 2) {
                    try {
                        afterEpoch2[0] = Files.readAllBytes(file);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        History h = diverging(model, file, snapshot).build().fit(DATA, null);

        assertTrue(h.diverged(), h.stopReason());
        assertEquals(2, h.epochs().size(), "two good epochs, then the third diverged");
        assertTrue(h.stopReason().matches("the training loss became (NaN|Infinity) at epoch 3, batch \\d+; .*"), h.stopReason());
        assertTrue(h.stopReason().contains("earlier checkpoints are untouched"), h.stopReason());
        assertArrayEquals(afterEpoch2[0], Files.readAllBytes(file), "the checkpoint of the best epoch is byte for byte intact");
        Rng.manualSeed(99);
        Module restored = new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 4));
        Checkpoints.load(restored, file);
        for (Map.Entry<String, Tensor> e : restored.stateDict().entrySet()) {
            for (float v : e.getValue().toFloatArray()) {
                assertTrue(Float.isFinite(v), e.getKey() + " holds " + v);
            }
        }

        Rng.manualSeed(8);
        Module again = new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 4));
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> diverging(again, dir.resolve("b2.safetensors")).onNonFiniteLoss(NonFiniteLoss.THROW).build().fit(DATA, null));
        assertEquals(3, e.epoch());
        assertTrue(e.getMessage().contains("epoch 3, batch " + e.batch()), e.getMessage());
    }
}
