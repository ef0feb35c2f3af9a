package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.ReduceLROnPlateau;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In one process: a run with Dropout, BatchNorm, a plateau scheduler, early stopping, a best
 * checkpoint and a stateful callback of the user's, crashed mid-epoch and resumed by freshly
 * built objects, ends exactly as the uninterrupted run (weights, every epoch's numbers, the
 * callbacks' decisions); checkpoints that do not fit the run are refused and change nothing.
 */
class FullStateResumeTest {
    private static final Dataset.Split DATA = Fixtures.problem();

    @TempDir
    Path dir;

    /** Counts the epochs it has seen and sums their train losses: state only a checkpoint can give back. */
    static final class Tally implements StatefulCallback {
        int seen;
        double lossSum;

        @Override
        public void onEpochEnd(EpochStats stats, TrainingContext ctx) {
            seen++;
            lossSum += stats.trainLoss();
        }

        @Override
        public Map<String, Tensor> state() {
            return Map.of("seen", Tensor.scalar((double) seen), "loss_sum", Tensor.scalar(lossSum));
        }

        @Override
        public void loadState(Map<String, Tensor> state) {
            if (!state.keySet().equals(java.util.Set.of("seen", "loss_sum"))) {
                throw new IllegalArgumentException("Tally: expected seen and loss_sum, got " + state.keySet());
            }
            seen = (int) state.get("seen").getDouble(0);
            lossSum = state.get("loss_sum").getDouble(0);
        }
    }

    /** A run on a fresh model with dropout and batch norm; {@code crashAfter} > 0 makes the loss throw at that call. */
    private Trainer.Builder run(int crashAfter, Tally tally, EarlyStopping early) {
        return run(crashAfter, tally, early, "best-run.safetensors");
    }

    private Trainer.Builder run(int crashAfter, Tally tally, EarlyStopping early, String bestFile) {
        Rng.manualSeed(1);
        Sequential model = new Sequential(new Linear(20, 24), new BatchNorm1d(24), new ReLU(), new Dropout(0.4),
                new Linear(24, 4));
        Optimizer adam = Adam.builder(model.parameters()).lr(3e-2).build();
        AtomicInteger calls = new AtomicInteger();
        return Trainer.builder().model(model).optimizer(adam).epochs(12).batchSize(64).seed(3).progress(Progress.none())
                .plateau(ReduceLROnPlateau.builder(adam).patience(0).factor(0.5).build(), "val_loss")
                .callbacks(early, new BestCheckpoint(dir.resolve(bestFile), "val_acc"), tally)
                .generator("augment", new Rng(5))
                .loss((logits, y) -> {
                    if (crashAfter > 0 && calls.incrementAndGet() > crashAfter) {
                        throw new IllegalStateException("simulated crash");
                    }
                    return Losses.crossEntropy(logits, y);
                });
    }

    @Test
    void aCrashedRunWithRandomLayersPlateauAndCallbacksResumesExactly() throws Exception {
        Tally fullTally = new Tally();
        EarlyStopping fullEarly = new EarlyStopping("val_loss", 2);
        Trainer whole = run(0, fullTally, fullEarly, "best-whole.safetensors").build();
        History full = whole.fit(DATA.first(), DATA.second());

        Path file = dir.resolve("run.ckpt");
        Trainer crashing = run(40, new Tally(), new EarlyStopping("val_loss", 2)).checkpoint(file, 4).build();
        assertThrows(IllegalStateException.class, () -> crashing.fit(DATA.first(), DATA.second()));
        assertEquals("36", io.jgrad.nn.SafeTensors.metadata(file).get("step"),
                "15 batches per epoch, the loss also validates: the crash is at step 39, the last save at 36, mid-epoch 3");

        Tally tally = new Tally();
        EarlyStopping early = new EarlyStopping("val_loss", 2);
        Trainer resumed = run(0, tally, early).checkpoint(file, 4).resumeFrom(file).build();
        History rest = resumed.fit(DATA.first(), DATA.second());

        Map<String, Tensor> expected = whole.model().stateDict();
        resumed.model().stateDict().forEach((k, v) -> assertArrayEquals(expected.get(k).toDoubleArray(), v.toDoubleArray(), 0.0, k));
        assertEquals(full.epochs().size(), 2 + rest.epochs().size(), "the resumed run ends at the same epoch");
        for (EpochStats e : rest.epochs()) {
            EpochStats f = full.epochs().get(e.epoch() - 1);
            assertEquals(List.of(f.epoch(), f.trainLoss(), f.trainAcc(), f.valLoss(), f.valAcc(), f.lr()),
                    List.of(e.epoch(), e.trainLoss(), e.trainAcc(), e.valLoss(), e.valAcc(), e.lr()),
                    "epoch " + e.epoch() + " (the first resumed one includes the batches before the crash)");
        }
        assertEquals(full.stopReason(), rest.stopReason());
        assertEquals(fullEarly.bestEpoch(), early.bestEpoch());
        assertEquals(fullTally.seen, tally.seen);
        assertEquals(fullTally.lossSum, tally.lossSum, 0.0);
        assertArrayEquals(Files.readAllBytes(dir.resolve("best-whole.safetensors")), Files.readAllBytes(dir.resolve("best-run.safetensors")));
        assertTrue(full.epochs().stream().anyMatch(e -> e.lr() < 3e-2), "the plateau scheduler lowered the lr");

        // the run had ended: resuming from its last checkpoint trains no more and reports the same stop
        Trainer again = run(0, new Tally(), new EarlyStopping("val_loss", 2)).resumeFrom(file).build();
        History none = again.fit(DATA.first(), DATA.second());
        assertEquals(0, none.epochs().size());
        if (full.stopReason() != null) {
            assertEquals(full.stopReason(), none.stopReason());
        }
        assertArrayEquals(expected.get("0.weight").toDoubleArray(), again.model().stateDict().get("0.weight").toDoubleArray(), 0.0);
    }

    @Test
    void callbacksInAnotherOrderAreRefusedAndNothingChanges() throws Exception {
        Path file = dir.resolve("order.ckpt");
        run(0, new Tally(), new EarlyStopping("val_loss", 2)).steps(20).checkpoint(file, 0).build().fit(DATA.first(), DATA.second());

        Rng.manualSeed(1);
        Sequential model = new Sequential(new Linear(20, 24), new BatchNorm1d(24), new ReLU(), new Dropout(0.4),
                new Linear(24, 4));
        Optimizer adam = Adam.builder(model.parameters()).lr(3e-2).build();
        Dropout dropout = (Dropout) model.children().get("3");
        Tensor rngBefore = dropout.generator().getState();
        Map<String, Tensor> before = model.stateDict();
        Tally tally = new Tally();
        tally.seen = 7;
        EarlyStopping early = new EarlyStopping("val_loss", 2);
        Trainer swapped = Trainer.builder().model(model).optimizer(adam).epochs(3).batchSize(64).seed(3).progress(Progress.none())
                .plateau(ReduceLROnPlateau.builder(adam).patience(0).factor(0.5).build(), "val_loss")
                .callbacks(early, tally, new BestCheckpoint(dir.resolve("b.safetensors"), "val_acc"))
                .generator("augment", new Rng(5)).resumeFrom(file).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> swapped.fit(DATA.first(), DATA.second()));
        assertTrue(ex.getMessage().contains(file.toString()) && ex.getMessage().contains("callback 1"), ex.getMessage());
        assertEquals(7, tally.seen, "the refusing callback is unchanged");
        assertEquals(-1, early.bestEpoch(), "the callback loaded before the refusing one is put back");
        assertArrayEquals(rngBefore.toDoubleArray(), dropout.generator().getState().toDoubleArray(), 0.0);
        model.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k).toDoubleArray(), v.toDoubleArray(), 0.0, k));
    }

    @Test
    void aBuiltInCallbackRefusesAStateThatIsNotItsOwn() {
        EarlyStopping early = new EarlyStopping("val_loss", 2);
        Map<String, Tensor> good = early.state();
        assertEquals(Double.NaN, good.get("best").getDouble(0));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> early.loadState(Map.of("best", Tensor.scalar(0.5), "best_epoch", Tensor.scalar(-1.0), "wait", Tensor.scalar(0.0))));
        assertTrue(ex.getMessage().contains("EarlyStopping") && ex.getMessage().contains("best"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BestCheckpoint(dir.resolve("x"), "val_acc").loadState(good));
        early.loadState(Map.of("best", Tensor.scalar(0.5), "best_epoch", Tensor.scalar(3.0), "wait", Tensor.scalar(1.0)));
        assertEquals(3, early.bestEpoch());
        early.loadState(Map.of("best", Tensor.scalar(0.1), "best_epoch", Tensor.scalar(4.0), "wait", Tensor.scalar(0.0)));
        assertEquals(0.1, early.state().get("best").getDouble(0), 0.0, "the best value round-trips in float64");
        assertNotEquals(good.get("best_epoch").getDouble(0), early.state().get("best_epoch").getDouble(0));
    }

    @Test
    void aGeneratorNameMustBeFreeAndNotReserved() {
        Trainer.Builder b = Trainer.builder().generator("augment", new Rng(1));
        for (String bad : new String[] {"augment", "global", "model.0", ""}) {
            assertThrows(IllegalArgumentException.class, () -> b.generator(bad, new Rng(2)), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> b.generator("noise", null));
    }

    @Test
    void theHandWrittenLoopApiRestoresTheGlobalAndTheDropoutGenerators() {
        Rng.manualSeed(5);
        Sequential model = new Sequential(new Linear(20, 8), new Dropout(0.5), new Linear(8, 4));
        Optimizer adam = Adam.builder(model.parameters()).build();
        Rng.global().normal(3, 0, 1); // some draws, a spare Gaussian pending
        Dropout dropout = (Dropout) model.children().get("1");
        dropout.generator().nextDouble();
        Path file = dir.resolve("loop.ckpt");
        TrainingCheckpoint.save(file, model, adam, null, 3);
        double nextGlobal = Rng.global().nextGaussian();
        double nextMask = dropout.generator().nextDouble();

        Rng.manualSeed(77); // a new global generator: load restores the one in use now
        dropout.generator().nextDouble();
        assertEquals(3, TrainingCheckpoint.load(file, model, adam, null));
        assertEquals(nextGlobal, Rng.global().nextGaussian(), 0.0);
        assertEquals(nextMask, dropout.generator().nextDouble(), 0.0);
    }
}
