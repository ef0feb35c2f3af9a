package io.jgrad.train;

import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Rng;

/** Small seeded problems and models shared by the training tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** 1,200 examples of 20 features in 4 classes (well separated), split 900 / 300. */
    static Dataset.Split problem() {
        return SyntheticClassification.builder().samples(1200).features(20).informative(8).redundant(4).classes(4)
                .clustersPerClass(1).classSep(2.0).flipY(0).seed(11).build().split(0.75, 3);
    }

    static Sequential mlp(long seed, int hidden) {
        Rng.manualSeed(seed);
        return new Sequential(new Linear(20, hidden), new ReLU(), new Linear(hidden, 4));
    }

    static Trainer.Builder trainer(Sequential model, double lr) {
        return Trainer.builder().model(model).optimizer(Adam.builder(model.parameters()).lr(lr).build())
                .batchSize(32).seed(5).progress(Progress.none());
    }
}
