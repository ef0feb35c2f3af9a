package io.jgrad.reliability;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Rng;
import io.jgrad.train.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A small seeded training run (20→16→BatchNorm→ReLU→4, Adam, StepLR per batch, a shuffled
 * loader with a short last batch) that can be checkpointed after any step and continued from
 * the checkpoint by a fresh process.
 */
final class ResumableRun {
    private static final Dataset DATA = SyntheticClassification.builder().samples(200).features(20).informative(8)
            .redundant(4).classes(4).seed(13).build();

    final Module model;
    final Optimizer optimizer;
    final StepLR scheduler;
    final DataLoader loader;
    private Iterator<Batch> batches;
    private long step;

    /** A run at step 0; {@code initSeed} picks the initial weights (a restored run overwrites them). */
    ResumableRun(long initSeed) {
        Rng.manualSeed(initSeed);
        model = new Sequential(new Linear(20, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, 4));
        optimizer = Adam.builder(model.parameters()).lr(1e-2).amsgrad(true).build();
        scheduler = new StepLR(optimizer, 25, 0.7);
        loader = DataLoader.builder(DATA).batchSize(16).shuffle(true).seed(9).build();
    }

    /** Steps taken so far. */
    long steps() {
        return step;
    }

    /** One training step; returns its loss. */
    float step() {
        if (batches == null || !batches.hasNext()) {
            batches = loader.iterator();
        }
        Batch b = batches.next();
        optimizer.zeroGrad();
        Variable loss = Losses.crossEntropy(model.forward(Variable.constant(b.features())), b.labels());
        loss.backward();
        optimizer.step();
        scheduler.step();
        step++;
        return loss.value().item();
    }

    void save(Path file) {
        TrainingCheckpoint.save(file, model, optimizer, scheduler, step);
    }

    /** Continues from {@code file}; only valid on a run that has not stepped yet. */
    void restore(Path file) {
        step = TrainingCheckpoint.load(file, model, optimizer, scheduler);
        batches = TrainingCheckpoint.resume(loader, step);
    }
}
