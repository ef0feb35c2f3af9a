package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Losses;

/**
 * The training objective of a {@link Trainer}: a scalar loss from the model's logits
 * {@code [B, C]} and the batch's labels. Pluggable so cost-sensitive users can weight classes.
 */
@FunctionalInterface
public interface LossFunction {
    /** The mean loss of the batch, a one-element Variable. */
    Variable apply(Variable logits, int[] targets);

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
}
