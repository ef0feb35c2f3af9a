package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.nn.SafeTensors;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after any step and continued from its {@link TrainingCheckpoint} by freshly built
 * objects takes bit for bit the steps of the uninterrupted run: model (with BatchNorm buffers),
 * optimizer, scheduler and the data loader's position all come back.
 */
class CheckpointResumeTest {
    private static final int STEPS = 60;

    @TempDir
    Path dir;

    private static float[] uninterrupted() {
        ResumableRun run = new ResumableRun(1);
        float[] losses = new float[STEPS];
        for (int i = 0; i < STEPS; i++) {
            losses[i] = run.step();
        }
        return losses;
    }

    @Test
    void resumingMidEpochAndAtAnEpochBoundaryContinuesTheSameLossTrajectory() {
        float[] expected = uninterrupted();
        // 13 batches per epoch: stop in the middle of epoch 3, and exactly at the end of epoch 2
        for (int cut : new int[] {31, 26}) {
            Path file = dir.resolve("cut" + cut + ".safetensors");
            ResumableRun first = new ResumableRun(1);
            float[] losses = new float[STEPS];
            for (int i = 0; i < cut; i++) {
                losses[i] = first.step();
            }
            first.save(file);
            ResumableRun second = new ResumableRun(77); // other initial weights: the checkpoint must overwrite them
            second.restore(file);
            assertEquals(cut, second.steps());
            for (int i = cut; i < STEPS; i++) {
                losses[i] = second.step();
            }
            assertArrayEquals(expected, losses, "resumed after step " + cut);
        }
    }

    @Test
    void loadIsAllOrNothingAcrossModelOptimizerAndScheduler() throws Exception {
        ResumableRun saved = new ResumableRun(1);
        for (int i = 0; i < 5; i++) {
            saved.step();
        }
        Path file = dir.resolve("ok.safetensors");
        saved.save(file);

        ResumableRun target = new ResumableRun(2);
        target.step();
        Map<String, Tensor> model = target.model.stateDict();
        Map<String, Tensor> optimizer = target.optimizer.stateDict();
        Map<String, Tensor> scheduler = target.scheduler.stateDict();

        // the model part fits, the optimizer part does not (SGD state into Adam): the model must be rolled back
        Path sgd = dir.resolve("sgd.safetensors");
        ResumableRun other = new ResumableRun(1);
        TrainingCheckpoint.save(sgd, other.model, SGD.builder(other.model.parameters()).lr(0.1).build(), other.scheduler, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingCheckpoint.load(sgd, target.model, target.optimizer, target.scheduler));
        assertTrue(e.getMessage().contains("sgd.safetensors") && e.getMessage().contains("optimizer")
                && e.getMessage().contains("param_groups.0.beta1"), e.getMessage());
        assertSameState(model, target.model.stateDict());
        assertSameState(optimizer, target.optimizer.stateDict());
        assertSameState(scheduler, target.scheduler.stateDict());

        // a scheduler entry of the wrong shape: model and optimizer loaded first, then both rolled back
        Map<String, Tensor> tensors = new LinkedHashMap<>(SafeTensors.load(file));
        tensors.put("scheduler.base_lrs", Tensor.zeros(3));
        Path badScheduler = dir.resolve("sched.safetensors");
        SafeTensors.save(tensors, SafeTensors.metadata(file), badScheduler);
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingCheckpoint.load(badScheduler, target.model, target.optimizer, target.scheduler));
        assertTrue(e.getMessage().contains("scheduler") && e.getMessage().contains("base_lrs"), e.getMessage());
        assertSameState(model, target.model.stateDict());
        assertSameState(optimizer, target.optimizer.stateDict());
        assertSameState(scheduler, target.scheduler.stateDict());

        // not a training checkpoint at all (a plain model checkpoint)
        Path plain = dir.resolve("plain.safetensors");
        io.jgrad.nn.Checkpoints.save(target.model, plain);
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingCheckpoint.load(plain, target.model, target.optimizer, target.scheduler));
        assertTrue(e.getMessage().contains("not a training checkpoint"), e.getMessage());

        assertEquals(5, TrainingCheckpoint.load(file, target.model, target.optimizer, target.scheduler));
        assertSameState(saved.model.stateDict(), target.model.stateDict());
        assertTrue(Files.size(file) > 0);
    }

    private static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), actual.get(e.getKey()).toDoubleArray(), e.getKey());
        }
    }
}
