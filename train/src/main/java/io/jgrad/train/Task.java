package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.Dataset;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BatchLog;
import java.util.Arrays;

/**
 * What a model is trained to do, which decides how its outputs are scored, so that a metric is
 * never computed where it means nothing: {@link #MULTICLASS} outputs one logit per class and is
 * scored by arg-max; {@link #BINARY} outputs one logit and is scored by thresholding it at 0
 * (probability 0.5); {@link #REGRESSION} outputs numbers and has no accuracy, only MSE and MAE.
 * A model whose outputs do not fit its task is an error naming both, never a silent number.
 */
public enum Task {
    /**
     * Logits {@code [B, C]} against class labels, or {@code [B, ..., C]} against INT64 targets
     * {@code [B, ...]} (one class per token); accuracy by arg-max, per class, confusion (per token).
     */
    MULTICLASS,
    /** One logit {@code [B, 1]} against labels 0/1 (or probabilities); accuracy with the logit thresholded at 0. */
    BINARY,
    /** Outputs {@code [B, T]} against float targets {@code [B, T]}; MSE and MAE, no accuracy. */
    REGRESSION;

    /** Whether this task has accuracies (train_acc, val_acc, per-class, confusion). */
    public boolean hasAccuracy() {
        return this != REGRESSION;
    }

    /**
     * Checks that outputs of {@code shape} for examples of {@code data} can be scored for this
     * task, and says how to fix the call when they cannot.
     *
     * @param where the caller, named in the message (e.g. {@code Trainer.fit})
     * @param loss  the loss's name, named in the message
     */
    void check(String where, String loss, long[] shape, Dataset data) {
        String got = where + ": the model's output is " + Arrays.toString(shape) + " and the loss is " + loss;
        if (data.hasIndexTargets()) {
            checkPerToken(got, shape, data);
            return;
        }
        if (shape.length != 2) {
            throw new IllegalArgumentException(got + "; expected [batch, outputs]");
        }
        long cols = shape[1];
        switch (this) {
            case MULTICLASS -> {
                if (data.hasFloatTargets()) {
                    throw new IllegalArgumentException(got + ", which needs class labels, but the data holds float "
                            + "targets; use LossFunction.mse() for regression or LossFunction.bceWithLogits() for "
                            + "probabilities");
                }
                if (cols == 1) {
                    throw new IllegalArgumentException(got + ": arg-max over one output column is always class 0, "
                            + "so its accuracy would be meaningless. For a binary classifier with one logit use "
                            + "LossFunction.bceWithLogits() (accuracy with the logit thresholded at 0); for "
                            + data.numClasses() + " classes give the model " + data.numClasses() + " outputs");
                }
                if (cols != data.numClasses()) {
                    throw new IllegalArgumentException(got + ", but the data has " + data.numClasses()
                            + " classes" + firstLabelOutside(data, cols) + "; give the model one output per class");
                }
            }
            case BINARY -> {
                if (cols != 1) {
                    throw new IllegalArgumentException(got + ", which scores one logit per example; the model has "
                            + cols + " outputs: use LossFunction.crossEntropy() for " + cols + " classes");
                }
                if (data.hasFloatTargets() ? data.numTargets() != 1 : data.numClasses() > 2) {
                    throw new IllegalArgumentException(got + ", which needs labels 0/1 or one probability per "
                            + "example, but the data is " + data + "; use LossFunction.crossEntropy()");
                }
            }
            case REGRESSION -> {
                if (!data.hasFloatTargets()) {
                    throw new IllegalArgumentException(got + ", which needs float targets, but the data holds "
                            + "class labels (" + data + "); build it with Dataset.ofTargets, or use "
                            + "LossFunction.crossEntropy() to classify");
                }
                if (cols != data.numTargets()) {
                    throw new IllegalArgumentException(got + ", but the data has " + data.numTargets()
                            + " target(s) per example; give the model one output per target");
                }
            }
            default -> throw new AssertionError(this);
        }
    }

    /** {@code "; label L of example i is outside [0, cols)"} for the first such label, else "". */
    private static String firstLabelOutside(Dataset data, long cols) {
        for (int i = 0; i < data.size(); i++) {
            if (data.label(i) >= cols) {
                return " (label " + data.label(i) + " of example " + i + " is outside the model's classes [0, " + cols + "))";
            }
        }
        return "";
    }

    /** Outputs for INT64 targets {@code [B, ...]} must be {@code [B, ..., classes]} of a multi-class task. */
    private void checkPerToken(String got, long[] shape, Dataset data) {
        if (this != MULTICLASS) {
            throw new IllegalArgumentException(got + ", but the data holds INT64 class-index targets of shape "
                    + Arrays.toString(data.targetShape()) + " per example; use LossFunction.crossEntropy()");
        }
        long[] per = data.targetShape();
        boolean fits = shape.length == per.length + 2 && shape[shape.length - 1] == data.numClasses();
        for (int d = 0; fits && d < per.length; d++) {
            fits = shape[d + 1] == per[d];
        }
        if (!fits) {
            long[] want = new long[per.length + 2];
            want[0] = shape.length > 0 ? shape[0] : 1;
            System.arraycopy(per, 0, want, 1, per.length);
            want[want.length - 1] = data.numClasses();
            throw new IllegalArgumentException(got + ", but the data's targets are " + Arrays.toString(per)
                    + " per example in " + data.numClasses() + " classes; the model must output "
                    + Arrays.toString(want));
        }
    }

    /**
     * The predicted classes of a batch's outputs (arg-max over the last dimension, one per row or
     * token, or the one logit thresholded at 0).
     */
    int[] predictedClasses(Variable output) {
        if (this == MULTICLASS) {
            long[] shape = output.shape();
            return Evaluator.argmaxRows(shape.length > 2 ? output.reshape(-1, shape[shape.length - 1]) : output);
        }
        if (this == BINARY) {
            float[] v = output.value().toFloatArray();
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] > 0 ? 1 : 0;
            }
            return out;
        }
        throw new IllegalStateException("Task.predictedClasses: a regression model predicts numbers, not classes");
    }

    /**
     * The true classes of a batch: its labels, its INT64 targets row-major (ignored positions
     * keep their ignore value), or for a binary task its probabilities thresholded at 0.5.
     */
    static int[] actualClasses(Batch batch) {
        if (batch.hasIndexTargets()) {
            long[] t = batch.targets().toLongArray();
            int[] out = new int[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = (int) t[i];
            }
            return out;
        }
        if (!batch.hasFloatTargets()) {
            return batch.labels();
        }
        float[] t = batch.targets().toFloatArray();
        int[] out = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = t[i] >= 0.5f ? 1 : 0;
        }
        return out;
    }

    /**
     * {@link #predictedClasses} computed where the outputs are, as an INT64 tensor (one class per
     * row or token), with no transfer: for the {@code nd4j} backend's device-side tallies.
     */
    Tensor predictedOnDevice(Variable output) {
        if (this == MULTICLASS) {
            return Tensor.wrap(BatchLog.argMaxLast(output.value().array()));
        }
        if (this == BINARY) {
            return Tensor.wrap(BatchLog.above(output.value().array(), 0, false));
        }
        throw new IllegalStateException("Task.predictedClasses: a regression model predicts numbers, not classes");
    }

    /**
     * {@link #actualClasses} as an INT64 tensor where the model's outputs are: INT64 targets as
     * they are, float targets thresholded on the device, class labels uploaded (one transfer, the
     * labels' share of the batch's upload, as PyTorch's {@code labels.to(device)}).
     */
    static Tensor actualOnDevice(Batch batch) {
        if (batch.hasIndexTargets()) {
            return batch.targets();
        }
        if (batch.hasFloatTargets()) {
            return Tensor.wrap(BatchLog.above(batch.targets().array(), 0.5, true));
        }
        int[] labels = batch.labels();
        long[] ids = new long[labels.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = labels[i];
        }
        return Tensor.ofLongs(ids, ids.length);
    }

    /** How many of a batch's predictions are right, and how many were scored (positions with the ignore index are not). */
    record Tally(long correct, long counted) {
        static Tally of(int[] predicted, int[] actual, long ignoreIndex) {
            if (predicted.length != actual.length) {
                throw new IllegalArgumentException("accuracy: " + predicted.length + " predictions for " + actual.length
                        + " targets");
            }
            long correct = 0;
            long counted = 0;
            for (int i = 0; i < actual.length; i++) {
                if (actual[i] != ignoreIndex) {
                    counted++;
                    correct += predicted[i] == actual[i] ? 1 : 0;
                }
            }
            return new Tally(correct, counted);
        }
    }

    /** The number of classes scored for {@code data}: its classes, or 2 for a binary task. */
    int numClasses(Dataset data) {
        return this == BINARY ? 2 : data.numClasses();
    }
}
