package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.tensor.Tensor;
import java.util.function.BinaryOperator;

/**
 * A {@link LossFunction} over float targets {@code [B, T]} (MSE for regression, BCE-with-logits
 * for one-logit binary models). Class labels are accepted where they mean a number, for BCE:
 * label 0/1 becomes the target 0.0/1.0 of the single output.
 */
final class FloatTargetLoss implements LossFunction {
    private final Task task;
    private final String name;
    private final BinaryOperator<Variable> loss;

    FloatTargetLoss(Task task, String name, BinaryOperator<Variable> loss) {
        this.task = task;
        this.name = name;
        this.loss = loss;
    }

    @Override
    public Variable apply(Variable output, Batch batch) {
        if (batch.hasFloatTargets()) {
            return loss.apply(output, Variable.constant(batch.targets()));
        }
        return apply(output, batch.labels());
    }

    @Override
    public Variable apply(Variable output, int[] labels) {
        if (task != Task.BINARY) {
            throw new IllegalArgumentException(name + ": needs float targets, but the batch holds class labels; "
                    + "build the data set with Dataset.ofTargets, or use LossFunction.crossEntropy() to classify");
        }
        float[] t = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i
                        + " is not 0 or 1; use LossFunction.crossEntropy() for more than two classes");
            }
            t[i] = labels[i];
        }
        return loss.apply(output, Variable.constant(Tensor.of(t, labels.length, 1)));
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public String name() {
        return name;
    }
}
