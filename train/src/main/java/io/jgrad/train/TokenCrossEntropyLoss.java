package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.nn.Losses;

/**
 * {@link LossFunction#crossEntropy()}: cross entropy on a batch's class labels, or on its INT64
 * targets of any shape (one class per token) through {@link Losses#crossEntropy(Variable,
 * io.jgrad.tensor.Tensor, long)}, skipping targets equal to the ignore index.
 */
final class TokenCrossEntropyLoss implements LossFunction {
    private final long ignoreIndex;

    TokenCrossEntropyLoss(long ignoreIndex) {
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Variable apply(Variable logits, int[] targets) {
        return Losses.crossEntropy(logits, targets);
    }

    @Override
    public Variable apply(Variable output, Batch batch) {
        if (batch.hasIndexTargets()) {
            return Losses.crossEntropy(output, batch.targets(), ignoreIndex);
        }
        return LossFunction.super.apply(output, batch);
    }

    @Override
    public long ignoreIndex() {
        return ignoreIndex;
    }
}
