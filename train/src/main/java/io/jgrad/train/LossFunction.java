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

    /** The mean loss of {@code batch} (class labels or float targets). */
    default Variable apply(Variable output, Batch batch) {
        if (batch.hasFloatTargets()) {
            throw new IllegalArgumentException(name() + ": this loss takes class labels, but the batch holds float "
                    + "targets; use LossFunction.mse() or LossFunction.bceWithLogits()");
        }
        return apply(output, batch.labels());
    }

    /** The task this loss trains for (default {@link Task#MULTICLASS}). */
    default Task task() {
        return Task.MULTICLASS;
    }

    /** A short name for messages. */
    default String name() {
        return "crossEntropy";
    }

    /** PyTorch's {@code nn.CrossEntropyLoss()} (the default). */
    static LossFunction crossEntropy() {
        return Losses::crossEntropy;
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
