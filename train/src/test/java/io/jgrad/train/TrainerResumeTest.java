package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted mid-epoch and continued with {@code resumeFrom} by a fresh model, optimizer
 * and scheduler ends with exactly the weights of the uninterrupted run (900 examples in batches
 * of 32 = 29 batches per epoch, shuffled).
 */
class TrainerResumeTest {
    private static final Dataset.Split DATA = Fixtures.problem();

    @TempDir
    Path dir;

    /**
     * A trainer over a fresh model (initial weights from {@code initSeed}), Adam and a StepLR
     * halving the lr every epoch or every 20 batches.
     */
    private static Trainer.Builder fresh(long initSeed, SchedulerInterval interval) {
        Sequential model = Fixtures.mlp(initSeed, 16);
        Optimizer adam = Adam.builder(model.parameters()).lr(1e-2).build();
        return Trainer.builder().model(model).optimizer(adam).scheduler(new StepLR(adam, interval == SchedulerInterval.EPOCH ? 1 : 20, 0.5), interval)
                .batchSize(32).seed(5).progress(Progress.none());
    }

    @Test
    void crashedRunResumedFromItsCheckpointEndsBitIdenticalWithAPerEpochScheduler() {
        Trainer.Builder straight = fresh(1, SchedulerInterval.EPOCH).epochs(3);
        Trainer whole = straight.build();
        History full = whole.fit(DATA.first(), null);

        Path file = dir.resolve("run.safetensors");
        AtomicInteger calls = new AtomicInteger();
        Trainer crashing = fresh(1, SchedulerInterval.EPOCH).epochs(3).checkpoint(file, 7).loss((logits, y) -> {
            if (calls.incrementAndGet() > 40) {
                throw new IllegalStateException("simulated crash at step 41");
            }
            return Losses.crossEntropy(logits, y);
        }).build();
        assertThrows(IllegalStateException.class, () -> crashing.fit(DATA.first(), null));
        assertEquals(35, stepOf(file), "last save: every 7 steps (epoch 1 ended at step 29)");

        Trainer resumed = fresh(99, SchedulerInterval.EPOCH).epochs(3).checkpoint(file, 7).resumeFrom(file).build();
        History rest = resumed.fit(DATA.first(), null);
        assertSameWeights(whole.model(), resumed.model());
        assertEquals(2, rest.epochs().size(), "the resumed history holds epochs 2 and 3");
        assertEquals(2, rest.epochs().get(0).epoch());
        assertEquals(full.epochs().get(2).trainLoss(), rest.epochs().get(1).trainLoss());
        assertEquals(full.epochs().get(2).lr(), rest.epochs().get(1).lr());
        assertEquals(3 * 29, stepOf(file), "the final epoch end was saved");
    }

    @Test
    void aRunStoppedAfterSomeStepsContinuesExactlyWithAPerBatchScheduler() {
        Trainer whole = fresh(2, SchedulerInterval.BATCH).steps(70).build();
        whole.fit(DATA.first(), null);

        Path file = dir.resolve("steps.safetensors");
        fresh(2, SchedulerInterval.BATCH).steps(40).checkpoint(file, 0).build().fit(DATA.first(), null);
        assertEquals(40, stepOf(file), "a run stopped mid-epoch by steps() saves where it stopped");

        Trainer resumed = fresh(3, SchedulerInterval.BATCH).steps(70).resumeFrom(file).build();
        resumed.fit(DATA.first(), null);
        assertSameWeights(whole.model(), resumed.model());
    }

    @Test
    void resumingFromAMissingFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("nowhere.safetensors");
        Trainer trainer = fresh(1, SchedulerInterval.EPOCH).epochs(1).resumeFrom(missing).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(DATA.first(), null));
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
    }

    @Test
    void aCheckpointOfAnotherModelIsRejectedAndChangesNothing() throws Exception {
        Path file = dir.resolve("other.safetensors");
        fresh(1, SchedulerInterval.EPOCH).steps(3).checkpoint(file, 0).build().fit(DATA.first(), null);
        byte[] saved = Files.readAllBytes(file);

        Sequential wider = Fixtures.mlp(4, 24);
        Map<String, Tensor> before = wider.stateDict();
        Optimizer adam = Adam.builder(wider.parameters()).lr(1e-2).build();
        Map<String, Tensor> optimizerBefore = adam.stateDict();
        Trainer trainer = Trainer.builder().model(wider).optimizer(adam).epochs(1).progress(Progress.none())
                .checkpoint(file, 1).resumeFrom(file).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(DATA.first(), null));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        assertSameState(before, wider.stateDict());
        assertSameState(optimizerBefore, adam.stateDict());
        assertArrayEquals(saved, Files.readAllBytes(file), "the checkpoint was not overwritten");
        assertFalse(before.isEmpty());
    }

    private static long stepOf(Path file) {
        Sequential model = Fixtures.mlp(0, 16);
        Optimizer adam = Adam.builder(model.parameters()).lr(1e-2).build();
        return TrainingCheckpoint.load(file, model, adam, new StepLR(adam, 1, 0.5)); // step size is state, not shape
    }

    private static void assertSameWeights(Module expected, Module actual) {
        assertSameState(expected.stateDict(), actual.stateDict());
    }

    private static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), actual.get(k).toFloatArray(), k));
    }
}
