package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics follow the task (multi-class, one-logit binary, regression); a metric that cannot fit is an error. */
class TaskMetricsTest {
    @TempDir
    Path dir;

    /** 800 examples of 10 features in 2 classes, split 600 / 200. */
    private static Dataset.Split binary() {
        return SyntheticClassification.builder().samples(800).features(10).informative(5).classes(2)
                .clustersPerClass(1).classSep(2.0).flipY(0).seed(21).build().split(0.75, 4);
    }

    private static Sequential mlp(int in, int out) {
        Rng.manualSeed(3);
        return new Sequential(new Linear(in, 16), new ReLU(), new Linear(16, out));
    }

    @Test
    void oneLogitBinaryModelIsScoredByThresholdNotArgmax() {
        Dataset.Split data = binary();
        Sequential model = mlp(10, 1);
        Trainer trainer = Fixtures.trainer(model, 1e-2).loss(LossFunction.bceWithLogits()).epochs(10).build();
        History h = trainer.fit(data.first(), data.second());
        Evaluation ev = trainer.evaluate(data.second());
        assertEquals(Task.BINARY, ev.task());
        // argmax over one column would say "class 0" for every example: about 50% here
        assertTrue(ev.accuracy() > 0.9, "thresholded accuracy " + ev.accuracy());
        assertEquals(h.last().orElseThrow().valAcc(), ev.accuracy(), 1e-12);
        assertTrue(h.last().orElseThrow().trainAcc() > 0.9);

        // the same accuracy computed by hand: logit > 0 means class 1
        float[] logits;
        try (var g = Variable.noGrad()) {
            model.eval();
            logits = model.forward(Variable.constant(data.second().features())).value().toFloatArray();
            model.train();
        }
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            correct += (logits[i] > 0 ? 1 : 0) == data.second().label(i) ? 1 : 0;
        }
        assertEquals(correct / (double) logits.length, ev.accuracy(), 1e-12);
        assertEquals(2, ev.confusionMatrix().length);
    }

    @Test
    void oneOutputColumnUnderCrossEntropyIsAnError() {
        Dataset.Split data = binary();
        Sequential model = mlp(10, 1);
        // the case: a hand-written BCE lambda is a multi-class loss for the Trainer
        LossFunction bceByHand = (logits, y) -> {
            float[] t = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                t[i] = y[i];
            }
            return Losses.bceWithLogits(logits, Variable.constant(Tensor.of(t, y.length, 1)));
        };
        Trainer trainer = Fixtures.trainer(model, 1e-2).loss(bceByHand).epochs(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(data.first(), data.second()));
        assertTrue(e.getMessage().contains("[32, 1]") && e.getMessage().contains("bceWithLogits()"), e.getMessage());
        IllegalArgumentException ev = assertThrows(IllegalArgumentException.class, () -> trainer.evaluate(data.second()));
        assertTrue(ev.getMessage().contains("evaluate") && ev.getMessage().contains("class 0"), ev.getMessage());
    }

    @Test
    void outputsThatDoNotMatchTheClassesAreAnError() {
        Dataset.Split data = binary();
        Trainer wide = Fixtures.trainer(mlp(10, 3), 1e-2).epochs(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wide.evaluate(data.second()));
        assertTrue(e.getMessage().contains("2 classes"), e.getMessage());
        Trainer bceWide = Fixtures.trainer(mlp(10, 2), 1e-2).loss(LossFunction.bceWithLogits()).epochs(1).build();
        e = assertThrows(IllegalArgumentException.class, () -> bceWide.fit(data.first(), null));
        assertTrue(e.getMessage().contains("crossEntropy()"), e.getMessage());
        Trainer bceFourClasses = Fixtures.trainer(mlp(20, 1), 1e-2).loss(LossFunction.bceWithLogits()).build();
        e = assertThrows(IllegalArgumentException.class, () -> bceFourClasses.fit(Fixtures.problem().first(), null));
        assertTrue(e.getMessage().contains("4 classes"), e.getMessage());
    }

    /** y = 2·x0 − x1 + 0.5 + small noise, 500 examples of 3 features. */
    private static Dataset linearRegression() {
        float[] x = Tensor.randn(new Rng(9), 500, 3).toFloatArray();
        float[] noise = Tensor.randn(new Rng(10), 500).toFloatArray();
        float[] y = new float[500];
        for (int i = 0; i < 500; i++) {
            y[i] = 2 * x[3 * i] - x[3 * i + 1] + 0.5f + 0.05f * noise[i];
        }
        return Dataset.ofTargets(x, 3, y, 1);
    }

    @Test
    void regressionReportsMseAndMaeAndNoAccuracy() {
        Dataset data = linearRegression();
        Rng.manualSeed(1);
        Sequential model = new Sequential(new Linear(3, 1));
        Trainer trainer = Fixtures.trainer(model, 5e-2).loss(LossFunction.mse()).validationSplit(0.2).epochs(30).build();
        History h = trainer.fit(data);
        EpochStats last = h.last().orElseThrow();
        assertTrue(Double.isNaN(last.trainAcc()) && Double.isNaN(last.valAcc()), last.toString());
        assertTrue(last.valLoss() < 0.01, "validation MSE " + last.valLoss());
        Evaluation ev = trainer.evaluate(data);
        assertEquals(Task.REGRESSION, ev.task());
        assertEquals(ev.loss(), ev.mse(), 1e-6);
        assertTrue(ev.mae() > 0 && ev.mae() < 0.1, "MAE " + ev.mae());
        assertTrue(ev.mae() <= Math.sqrt(ev.mse()) + 1e-9, "MAE <= RMSE");
        IllegalStateException noAcc = assertThrows(IllegalStateException.class, ev::accuracy);
        assertTrue(noAcc.getMessage().contains("mse()"), noAcc.getMessage());
        assertTrue(ev.format(null).contains("MSE"));
    }

    @Test
    void regressionMetricsMatchAHandComputation() {
        Dataset data = Dataset.ofTargets(new float[] {1, 2, 3, 4}, 1, new float[] {1, 1, 1, 1}, 1);
        Rng.manualSeed(1);
        Linear identityish = new Linear(1, 1);
        identityish.namedParameters().get("weight").value().array().assign(1.0);
        identityish.namedParameters().get("bias").value().array().assign(0.0);
        Evaluation ev = Evaluator.evaluate(identityish, data, LossFunction.mse());
        // predictions 1, 2, 3, 4 against 1: errors 0, 1, 2, 3
        assertEquals((0 + 1 + 4 + 9) / 4.0, ev.mse(), 1e-6);
        assertEquals((0 + 1 + 2 + 3) / 4.0, ev.mae(), 1e-6);
    }

    @Test
    void accuracyMetricsCannotBeWatchedInARegression() {
        Dataset data = linearRegression();
        Sequential model = new Sequential(new Linear(3, 1));
        Trainer t = Fixtures.trainer(model, 1e-2).loss(LossFunction.mse()).epochs(1)
                .callbacks(new EarlyStopping("val_acc", 2)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(data, data));
        assertTrue(e.getMessage().contains("EarlyStopping") && e.getMessage().contains("val_loss"), e.getMessage());
    }

    @Test
    void lossesAndDataMustAgreeOnTheKindOfTarget() {
        Dataset regression = linearRegression();
        Trainer ce = Fixtures.trainer(new Sequential(new Linear(3, 2)), 1e-2).epochs(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ce.fit(regression));
        assertTrue(e.getMessage().contains("float targets"), e.getMessage());
        Trainer mse = Fixtures.trainer(mlp(10, 1), 1e-2).loss(LossFunction.mse()).epochs(1).build();
        e = assertThrows(IllegalArgumentException.class, () -> mse.fit(binary().first()));
        assertTrue(e.getMessage().contains("Dataset.ofTargets"), e.getMessage());
    }

    @Test
    void validationSplitHoldsOutTheLastExamplesLikeKeras() {
        Dataset all = Fixtures.problem().first(); // 900 examples
        Dataset.Split split = Trainer.splitOffValidation(all, 0.2);
        assertEquals(720, split.first().size());
        assertEquals(180, split.second().size());
        assertEquals(all.label(720), split.second().label(0));
        assertEquals(all.label(899), split.second().label(179));
        Trainer withSplit = Fixtures.trainer(Fixtures.mlp(1, 8), 1e-2).validationSplit(0.2).epochs(1).build();
        History h = withSplit.fit(all);
        assertTrue(Double.isFinite(h.last().orElseThrow().valAcc()));
        assertThrows(IllegalArgumentException.class, () -> withSplit.fit(all, all));
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().validationSplit(1.0));
        assertThrows(IllegalArgumentException.class, () -> Trainer.splitOffValidation(all.head(3), 0.1));
    }
}
