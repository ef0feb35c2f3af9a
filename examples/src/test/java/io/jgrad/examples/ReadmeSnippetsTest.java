package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.CosineAnnealingLR;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.BestCheckpoint;
import io.jgrad.train.EarlyStopping;
import io.jgrad.train.History;
import io.jgrad.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of the README and of docs/ (tensors-and-autograd, training-and-data), run as written (on a small synthetic set instead of Fashion-MNIST), so the
 * snippets users copy first keep compiling and working.
 */
class ReadmeSnippetsTest {
    @TempDir
    Path dir;

    @Test
    void autogradSnippet() {
        Variable x = Variable.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), true);
        Variable w = Variable.of(Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, 3, 2), true);
        Variable b = Variable.of(Tensor.zeros(2), true);
        Variable loss = x.matmul(w).add(b).tanh().pow(2).mean();
        loss.backward();
        assertEquals(2, w.grad().shape().length);
        try (var g = Variable.noGrad()) {
            assertTrue(!x.matmul(w).requiresGrad());
        }
    }

    @Test
    void handWrittenLoopAndTrainerSnippets() throws Exception {
        Dataset all = SyntheticClassification.builder().samples(600).features(20).informative(8)
                .classes(3).seed(1).build();
        Dataset.Split data = all.split(0.8, 7);

        Sequential model = new Sequential(
                new Linear(20, 32), new BatchNorm1d(32), new ReLU(),
                new Linear(32, 3));
        Optimizer opt = Adam.builder(model.parameters()).lr(1e-2).build();
        LRScheduler sched = new CosineAnnealingLR(opt, 5, 0.0);

        DataLoader loader = DataLoader.builder(data.first()).batchSize(32).shuffle(true).seed(42).build();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int epoch = 0; epoch < 5; epoch++) {
            for (Batch batch : loader) {
                opt.zeroGrad();
                Variable loss = Losses.crossEntropy(model.forward(Variable.constant(batch.features())), batch.labels());
                loss.backward();
                opt.step();
                last = loss.value().item();
                first = Double.isNaN(first) ? last : first;
            }
            sched.step();
        }
        assertTrue(last < first, "loss went from " + first + " to " + last);
        Checkpoints.save(model, dir.resolve("model.safetensors"));
        assertTrue(Files.size(dir.resolve("model.safetensors")) > 0);

        model = new Sequential(new Linear(20, 32), new BatchNorm1d(32), new ReLU(), new Linear(32, 3));
        opt = Adam.builder(model.parameters()).lr(1e-2).build();
        sched = new CosineAnnealingLR(opt, 10, 0.0);
        History h = Trainer.builder()
                .model(model).optimizer(opt).scheduler(sched)
                .epochs(10).batchSize(32).seed(42).clipGradNorm(5.0)
                .callbacks(new EarlyStopping("val_loss", 3), new BestCheckpoint(dir.resolve("best.safetensors"), "val_acc"))
                .build()
                .fit(data.first(), data.second());
        h.writeCsv(dir.resolve("history.csv"));
        h.writeChart(dir.resolve("history.png"));
        double acc = h.last().orElseThrow().valAcc();
        assertTrue(acc > 0.7, "validation accuracy " + acc + " (chance is 0.33)");
        assertTrue(Files.size(dir.resolve("history.png")) > 1000);
    }
}
