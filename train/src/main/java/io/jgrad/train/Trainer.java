package io.jgrad.train;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import java.util.List;

/**
 * Trains a model with mini-batch gradient descent, the loop every PyTorch script writes by
 * hand, with its usual companions: a learning-rate scheduler, gradient clipping, validation
 * metrics, callbacks (early stopping, best checkpoint), non-finite-loss detection and progress.
 * The loss decides the task and so the metrics ({@link Task}): cross-entropy (the default) for
 * classes, {@link LossFunction#bceWithLogits()} for a one-logit binary model,
 * {@link LossFunction#mse()} for regression on a data set of float targets.
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);
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
     *
     * @throws IllegalArgumentException when both {@code validation} and
     *     {@link Builder#validationSplit} are given
     */
    public History fit(Dataset train, Dataset validation) {
        if (train == null) {
            throw new IllegalArgumentException("Trainer.fit: train is null");
        }
        if (options.validationSplit > 0) {
            if (validation != null) {
                throw new IllegalArgumentException("Trainer.fit: got a validation set and validationSplit("
                        + options.validationSplit + "); give one or the other");
            }
            Dataset.Split split = splitOffValidation(train, options.validationSplit);
            train = split.first();
            validation = split.second();
        }
        TrainingLoop loop = new TrainingLoop(options);
        TrainingLoop.Stream stream = new TrainingLoop.Stream(loop.loader(train, 0), true,
                (batch, output) -> loss.apply(output, batch));
        return loop.run(List.of(stream), validation, loss);
    }

    /** Trains on {@code train}; validates on the {@link Builder#validationSplit} part of it when one is set. */
    public History fit(Dataset train) {
        return fit(train, null);
    }

    /**
     * Keras' {@code validation_split}: the last {@code fraction} of the examples, taken before
     * any shuffling, validate; the rest train.
     */
    static Dataset.Split splitOffValidation(Dataset data, double fraction) {
        int n = data.size();
        int val = (int) Math.round(fraction * n);
        if (val == 0 || val == n) {
            throw new IllegalArgumentException("Trainer.fit: validationSplit(" + fraction + ") of " + n
                    + " examples leaves " + (val == 0 ? "no validation" : "no training") + " example");
        }
        int[] first = new int[n - val];
        int[] second = new int[val];
        java.util.Arrays.setAll(first, i -> i);
        java.util.Arrays.setAll(second, i -> n - val + i);
        Dataset.Split split = new Dataset.Split(data.subset(first), data.subset(second));
        warnIfClassesMissing(split);
        return split;
    }

    /**
     * Warns when the validation part lacks classes the training part has: the split takes the
     * last examples, so label-sorted data validates on one class and its accuracy says nothing.
     */
    static void warnIfClassesMissing(Dataset.Split split) {
        if (split.first().hasFloatTargets()) {
            return;
        }
        java.util.BitSet trained = new java.util.BitSet();
        for (int label : split.first().labels()) {
            trained.set(Math.max(label, 0));
        }
        java.util.BitSet validated = new java.util.BitSet();
        for (int label : split.second().labels()) {
            validated.set(Math.max(label, 0));
        }
        java.util.BitSet missing = (java.util.BitSet) trained.clone();
        missing.andNot(validated);
        if (!missing.isEmpty()) {
            LOG.warn("Trainer.fit: the validation split (the last {} examples) has no example of class(es) {} that the "
                    + "training part has; is the data sorted by label? Shuffle it first (e.g. Dataset.split(fraction, seed)) "
                    + "or pass a validation set", split.second().size(), missing);
        }
    }

    /** The task's metrics on {@code data} (no graph, eval mode): see {@link Evaluator#evaluate}. */
    public Evaluation evaluate(Dataset data) {
        return Evaluator.evaluate(options.model, data, loss, options.evalBatchSize);
    }

    /** Options of a {@link Trainer}: the shared ones plus the loss. */
    public static final class Builder extends TrainerOptions<Builder> {
        private LossFunction loss = LossFunction.crossEntropy();
        private double validationSplit;

        private Builder() {
        }

        /**
         * Holds out the last {@code fraction} of the training examples (before shuffling, as
         * Keras' {@code validation_split}) for validation when {@code fit} gets no validation set;
         * 0 (default) holds out nothing.
         */
        public Builder validationSplit(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("Trainer.validationSplit: must be in [0, 1), got " + fraction);
            }
            this.validationSplit = fraction;
            return this;
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
            snapshot.validationSplit = validationSplit;
            return new Trainer(snapshot);
        }
    }
}
