package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.ReduceLROnPlateau;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    @Test
    void learnsTheSyntheticProblem() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(1, 32);
        Trainer trainer = Fixtures.trainer(model, 1e-2).epochs(8).build();
        double before = trainer.evaluate(data.second()).accuracy();
        History h = trainer.fit(data.first(), data.second());
        assertEquals(8, h.epochs().size());
        assertEquals("completed", h.stopReason());
        Evaluation ev = trainer.evaluate(data.second());
        assertTrue(ev.accuracy() > 0.9, "test accuracy " + ev.accuracy() + " (before training " + before + ")");
        assertEquals(h.last().orElseThrow().valAcc(), ev.accuracy(), 1e-12);
        assertTrue(h.epochs().get(7).trainLoss() < h.epochs().get(0).trainLoss() / 2);
        assertTrue(h.last().orElseThrow().trainAcc() > 0.9);
        assertEquals(300, ev.count());
        long[][] cm = ev.confusionMatrix();
        long diagonal = 0;
        for (int i = 0; i < 4; i++) {
            diagonal += cm[i][i];
        }
        assertEquals(ev.accuracy(), diagonal / 300.0, 1e-12);
        assertTrue(model.isTraining(), "fit and evaluate restore train mode");
        assertTrue(ev.format(List.of("a", "b", "c", "d")).contains("accuracy"));
    }

    @Test
    void changingTheBuilderAfterBuildDoesNotChangeTheTrainer() {
        Dataset.Split data = Fixtures.problem();
        Trainer.Builder builder = Fixtures.trainer(Fixtures.mlp(4, 8), 1e-2).epochs(1);
        Trainer trainer = builder.build();
        builder.epochs(3).loss((logits, y) -> {
            throw new AssertionError("the built trainer used a loss set after build()");
        });
        assertEquals(1, trainer.fit(data.first(), null).epochs().size());
    }

    @Test
    void sameSeedsGiveTheSameRun() {
        Dataset.Split data = Fixtures.problem();
        History a = Fixtures.trainer(Fixtures.mlp(2, 16), 1e-2).epochs(2).build().fit(data.first(), data.second());
        History b = Fixtures.trainer(Fixtures.mlp(2, 16), 1e-2).epochs(2).build().fit(data.first(), data.second());
        for (int e = 0; e < 2; e++) {
            assertEquals(a.epochs().get(e).trainLoss(), b.epochs().get(e).trainLoss());
            assertEquals(a.epochs().get(e).valLoss(), b.epochs().get(e).valLoss());
        }
    }

    @Test
    void evaluationRunsWithoutGraphInEvalModeAndRestoresTheMode() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(3, 8);
        AtomicReference<Boolean> sawTraining = new AtomicReference<>();
        AtomicReference<Boolean> sawGrad = new AtomicReference<>();
        LossFunction spy = (logits, y) -> {
            sawTraining.set(model.isTraining());
            sawGrad.set(Variable.isGradEnabled());
            return Losses.crossEntropy(logits, y);
        };
        Evaluator.evaluate(model, data.second(), spy);
        assertFalse(sawTraining.get());
        assertFalse(sawGrad.get());
        assertTrue(model.isTraining());
        model.eval();
        Evaluator.evaluate(model, data.second(), spy);
        assertFalse(model.isTraining(), "a model in eval mode stays in eval mode");
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(4, 8);
        // lr 0: the validation loss never changes, so only the first epoch counts as an improvement.
        EarlyStopping stop = new EarlyStopping("val_loss", 2);
        History h = Trainer.builder().model(model).optimizer(SGD.builder(model.parameters()).lr(0).build())
                .epochs(10).batchSize(64).progress(Progress.none()).callbacks(stop).build()
                .fit(data.first(), data.second());
        assertEquals(3, h.epochs().size());
        assertTrue(h.stopReason().startsWith("early stopping: val_loss"), h.stopReason());
        assertEquals(1, stop.bestEpoch());
        assertFalse(h.diverged());
    }

    @Test
    void bestCheckpointHoldsTheBestEpochsWeights() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(5, 16);
        Path file = dir.resolve("ckpt/best.safetensors");
        BestCheckpoint best = new BestCheckpoint(file, "val_acc");
        History h = Fixtures.trainer(model, 3e-2).epochs(4).callbacks(best).build().fit(data.first(), data.second());
        EpochStats bestEpoch = h.best("val_acc").orElseThrow();
        assertEquals(bestEpoch.epoch(), best.bestEpoch());
        Sequential fresh = Fixtures.mlp(99, 16);
        Checkpoints.load(fresh, file);
        assertEquals(bestEpoch.valAcc(), Evaluator.evaluate(fresh, data.second(), LossFunction.crossEntropy()).accuracy(),
                1e-12);
    }

    @Test
    void nonFiniteLossStopsAndLeavesTheLastGoodCheckpoint() throws Exception {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(6, 16);
        Path file = dir.resolve("best.safetensors");
        AtomicInteger calls = new AtomicInteger();
        int batchesPerEpoch = (900 + 31) / 32;
        // The loss turns NaN on the 5th batch of epoch 2 (no validation set, so every call is a training batch).
        LossFunction poisoned = (logits, y) -> {
            Variable l = Losses.crossEntropy(logits, y);
            return calls.incrementAndGet() == batchesPerEpoch + 5 ? l.mul(Variable.constant(Tensor.scalar(Float.NaN))) : l;
        };
        AtomicReference<byte[]> afterEpoch1 = new AtomicReference<>();
        Callback snapshot = new Callback() {
            @Override
            public void onEpochEnd(EpochStats stats, TrainingContext ctx) {
                try {
                    afterEpoch1.set(Files.readAllBytes(file));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        Trainer trainer = Fixtures.trainer(model, 1e-2).epochs(5).loss(poisoned)
                .callbacks(new BestCheckpoint(file, "train_loss"), snapshot).build();
        History h = trainer.fit(data.first(), null);
        assertTrue(h.diverged(), h.stopReason() + " after " + h.epochs().size() + " epochs, calls " + calls.get());
        assertEquals(1, h.epochs().size());
        assertTrue(h.stopReason().contains("NaN") && h.stopReason().contains("epoch 2, batch 5"), h.stopReason());
        assertArrayEquals(afterEpoch1.get(), Files.readAllBytes(file), "the checkpoint of epoch 1 is intact");
        if (Backend.current() == Backend.ND4J) {
            // nd4j reads the losses at the epoch's end (no progress reports here): the later updates were applied, and said so
            assertTrue(h.stopReason().contains("here after batch " + batchesPerEpoch + ", so the updates of batches 5 to "
                    + batchesPerEpoch + " were applied"), h.stopReason());
        } else {
            for (Parameter p : model.parameters()) {
                for (float v : p.value().toFloatArray()) {
                    assertTrue(Float.isFinite(v), "the NaN batch was not applied");
                }
            }
            assertTrue(h.stopReason().contains("this update was skipped"), h.stopReason());
        }
        calls.set(0);
        Sequential other = Fixtures.mlp(6, 16);
        Trainer throwing = Fixtures.trainer(other, 1e-2).epochs(5).loss(poisoned).onNonFiniteLoss(NonFiniteLoss.THROW).build();
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> throwing.fit(data.first(), null));
        assertEquals(2, e.epoch());
        assertEquals(5, e.batch());
    }

    @Test
    void historyIsWrittenAsCsvAndPng() throws Exception {
        Dataset.Split data = Fixtures.problem();
        History h = Fixtures.trainer(Fixtures.mlp(7, 8), 1e-2).epochs(3).build().fit(data.first(), data.second());
        Path csv = dir.resolve("out/history.csv");
        Path png = dir.resolve("out/history.png");
        h.writeCsv(csv);
        h.writeChart(png);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(History.CSV_HEADER, lines.get(0));
        assertEquals(4, lines.size());
        String[] cols = lines.get(3).split(",", -1);
        assertEquals(7, cols.length);
        assertEquals("3", cols[0]);
        assertEquals(h.epochs().get(2).valAcc(), Double.parseDouble(cols[4]), 1e-5);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "the PNG decodes");
        assertEquals(1280, img.getWidth());
        assertEquals(420, img.getHeight());
        assertTrue(Files.size(png) > 10_000, "a real chart, " + Files.size(png) + " bytes");
        // Without validation the CSV leaves the fields empty and the chart still draws.
        History noVal = Fixtures.trainer(Fixtures.mlp(7, 8), 1e-2).epochs(1).build().fit(data.first(), null);
        noVal.writeChart(dir.resolve("noval.png"));
        assertTrue(noVal.toCsv().split("\n")[1].contains(",,,"), noVal.toCsv());
        assertNotNull(ImageIO.read(dir.resolve("noval.png").toFile()));
    }

    @Test
    void progressBarRedrawsInPlaceAndEndsWithASummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Dataset.Split data = Fixtures.problem();
        Fixtures.trainer(Fixtures.mlp(8, 8), 1e-2).epochs(1)
                .progress(Progress.bar(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .build().fit(data.first(), null);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("\repoch 1/1 [") && s.contains("29/29") && s.contains("samples/s") && s.contains("ETA"), s);
    }

    @Test
    void clippingBoundsEachUpdateAndPlateauLowersTheLr() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(11, 8);
        List<Tensor> before = model.parameters().stream().map(p -> p.value().copy()).toList();
        Trainer.builder().model(model).optimizer(SGD.builder(model.parameters()).lr(1.0).build()).clipGradNorm(1e-3)
                .batchSize(32).steps(1).progress(Progress.none()).build().fit(data.first(), null);
        double moved = 0;
        for (int i = 0; i < before.size(); i++) {
            float[] a = before.get(i).toFloatArray();
            float[] b = model.parameters().get(i).value().toFloatArray();
            for (int j = 0; j < a.length; j++) {
                moved += (a[j] - b[j]) * (double) (a[j] - b[j]);
            }
        }
        assertEquals(1e-3, Math.sqrt(moved), 1e-5, "one SGD step of lr 1 moves by the clipped norm");
        Sequential m2 = Fixtures.mlp(12, 8);
        SGD sgd = SGD.builder(m2.parameters()).lr(1e-6).build();
        History h = Trainer.builder().model(m2).optimizer(sgd).epochs(3).batchSize(64).progress(Progress.none())
                .plateau(ReduceLROnPlateau.builder(sgd).patience(0).build(), "val_loss").build()
                .fit(data.first(), data.second());
        assertEquals(1e-6, h.epochs().get(1).lr(), 1e-18);
        assertEquals(1e-7, h.epochs().get(2).lr(), 1e-18);
    }

    @Test
    void misuseIsReported() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.builder().build());
        assertTrue(e.getMessage().contains("model"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(0));
        Sequential model = Fixtures.mlp(9, 4);
        Trainer t = Fixtures.trainer(model, 1e-2).dropLast(true).batchSize(5000).build();
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> t.fit(Fixtures.problem().first(), null));
        assertTrue(empty.getMessage().contains("no batch"), empty.getMessage());
    }

    @Test
    void perClassAccuracyAndStepsOption() {
        Evaluation ev = new Evaluation(0.5, new long[][] {{3, 1}, {0, 0}});
        assertEquals(0.75, ev.accuracy());
        assertEquals(0.75, ev.perClassAccuracy()[0]);
        assertTrue(Double.isNaN(ev.perClassAccuracy()[1]));
        Dataset.Split data = Fixtures.problem();
        AtomicInteger calls = new AtomicInteger();
        LossFunction counting = (logits, y) -> {
            calls.incrementAndGet();
            return Losses.crossEntropy(logits, y);
        };
        History h = Fixtures.trainer(Fixtures.mlp(10, 4), 1e-2).loss(counting).steps(40).build().fit(data.first(), null);
        assertEquals(40, calls.get());
        assertEquals(2, h.epochs().size(), "29 batches per epoch: 40 steps are one full and one partial epoch");
    }
}
