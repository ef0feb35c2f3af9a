package io.jgrad.train;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import java.util.List;

/**
 * Trains a classifier with mini-batch gradient descent, the loop every PyTorch script writes by
 * hand, with its usual companions: a learning-rate scheduler, gradient clipping, validation
 * metrics, callbacks (early stopping, best checkpoint), non-finite-loss detection and progress.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder()
 *         .model(model).optimizer(Adam.builder(model.parameters()).lr(1e-3).build())
 *         .epochs(10).batchSize(128).seed(42)
 *         .callbacks(new EarlyStopping("val_loss", 3), new BestCheckpoint(dir.resolve("best.safetensors"), "val_acc"))
 *         .build();
 * History h = trainer.fit(train, test);
 * Evaluation ev = trainer.evaluate(test);
 * }</pre>
 * With {@code .checkpoint(file, everySteps)} a crashed run can be continued exactly by a fresh
 * trainer built with {@code .resumeFrom(file)} (see {@link TrainerOptions#resumeFrom}).
 */
public final class Trainer {
    private final Builder options;
    private final LossFunction loss;

    private Trainer(Builder b) {
        this.options = b;
        this.loss = b.loss;
    }

    /** A builder; see {@link TrainerOptions} for the shared options and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model being trained. */
    public Module model() {
        return options.model;
    }

    /**
     * Trains on {@code train}, validating on {@code validation} after every epoch (may be null),
     * and returns the history. The model is left in the mode it was in before.
     */
    public History fit(Dataset train, Dataset validation) {
        if (train == null) {
            throw new IllegalArgumentException("Trainer.fit: train is null");
        }
        TrainingLoop loop = new TrainingLoop(options);
        TrainingLoop.Stream stream = new TrainingLoop.Stream(loop.loader(train, 0), true,
                (batch, logits) -> loss.apply(logits, batch.labels()));
        return loop.run(List.of(stream), validation, loss);
    }

    /** Loss, accuracy, per-class accuracy and confusion matrix on {@code data} (no graph, eval mode). */
    public Evaluation evaluate(Dataset data) {
        return Evaluator.evaluate(options.model, data, loss, options.evalBatchSize);
    }

    /** Options of a {@link Trainer}: the shared ones plus the loss. */
    public static final class Builder extends TrainerOptions<Builder> {
        private LossFunction loss = LossFunction.crossEntropy();

        private Builder() {
        }

        /** The training loss (default cross-entropy; e.g. {@link LossFunction#crossEntropy(float[])}). */
        public Builder loss(LossFunction loss) {
            if (loss == null) {
                throw new IllegalArgumentException("Trainer.loss: loss is null");
            }
            this.loss = loss;
            return this;
        }

        public Trainer build() {
            checkRequired("Trainer");
            Builder snapshot = copyInto(new Builder());
            snapshot.loss = loss;
            return new Trainer(snapshot);
        }
    }
}
