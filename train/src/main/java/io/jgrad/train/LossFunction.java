package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.nn.Losses;

/**
 * The training objective of a {@link Trainer}: a scalar loss from the model's outputs and the
 * batch's labels or float targets, and the {@link Task} it trains for, which decides the metrics
 * (arg-max accuracy, thresholded accuracy, or MSE/MAE). Pluggable so cost-sensitive users can
 * weight classes; a lambda {@code (logits, labels) -> ...} is a multi-class loss.
 */
@FunctionalInterface
public interface LossFunction {
    /** The mean loss of a batch of class labels, a one-element Variable. */
    Variable apply(Variable logits, int[] targets);

    /**
     * The mean loss of {@code batch} (class labels, float targets, or INT64 targets of any shape).
     * INT64 targets {@code [B, ...]} against outputs {@code [B, ..., C]} are scored as
     * {@code B·...} rows of class labels (so a class-weighted or hand-written loss works per
     * token); a batch holding {@link #ignoreIndex()} targets needs a loss that skips them, such as
     * {@link #crossEntropy()}.
     */
    default Variable apply(Variable output, Batch batch) {
        if (batch.hasFloatTargets()) {
            throw new IllegalArgumentException(name() + ": this loss takes class labels, but the batch holds float "
                    + "targets; use LossFunction.mse() or LossFunction.bceWithLogits()");
        }
        if (batch.hasIndexTargets()) {
            long[] shape = output.shape();
            int[] labels = Task.actualClasses(batch);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == ignoreIndex()) {
                    throw new IllegalArgumentException(name() + ": target " + i + " of the batch is the ignore index "
                            + ignoreIndex() + ", which this loss cannot skip; use LossFunction.crossEntropy()");
                }
            }
            return apply(output.reshape(-1, shape[shape.length - 1]), labels);
        }
        return apply(output, batch.labels());
    }

    /**
     * The target value whose positions the loss and the accuracy skip (PyTorch's
     * {@code ignore_index}; default -100, {@link io.jgrad.data.Dataset#IGNORE_INDEX}).
     */
    default long ignoreIndex() {
        return io.jgrad.data.Dataset.IGNORE_INDEX;
    }

    /** The task this loss trains for (default {@link Task#MULTICLASS}). */
    default Task task() {
        return Task.MULTICLASS;
    }

    /** A short name for messages. */
    default String name() {
        return "crossEntropy";
    }

    /**
     * PyTorch's {@code nn.CrossEntropyLoss()} (the default): on class labels, or per token on
     * INT64 targets of any shape, skipping targets equal to -100.
     */
    static LossFunction crossEntropy() {
        return new TokenCrossEntropyLoss(io.jgrad.data.Dataset.IGNORE_INDEX);
    }

    /**
     * PyTorch's {@code nn.CrossEntropyLoss(ignore_index=ignoreIndex)}: per-token cross entropy on
     * INT64 targets, the mean over the targets not equal to {@code ignoreIndex}; the accuracy
     * skips those positions too.
     */
    static LossFunction crossEntropy(long ignoreIndex) {
        return new TokenCrossEntropyLoss(ignoreIndex);
    }

    /**
     * PyTorch's {@code nn.CrossEntropyLoss(weight=w)}: the weighted mean
     * {@code Σ w[y_i]·l_i / Σ w[y_i]}.
     */
    static LossFunction crossEntropy(float[] classWeights) {
        float[] w = classWeights.clone();
        return (logits, targets) -> Losses.crossEntropy(logits, targets, w);
    }

    /**
     * PyTorch's {@code nn.BCEWithLogitsLoss()} for a model with one output logit, against labels
     * 0/1 or probabilities; scored by thresholded accuracy ({@link Task#BINARY}).
     */
    static LossFunction bceWithLogits() {
        return new FloatTargetLoss(Task.BINARY, "bceWithLogits", Losses::bceWithLogits);
    }

    /** PyTorch's {@code nn.MSELoss()} against float targets; scored by MSE and MAE ({@link Task#REGRESSION}). */
    static LossFunction mse() {
        return new FloatTargetLoss(Task.REGRESSION, "mse", Losses::mse);
    }
}
