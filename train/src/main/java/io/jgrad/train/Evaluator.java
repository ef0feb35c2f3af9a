package io.jgrad.train;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;

/**
 * Runs a classifier over a data set without recording a graph and in evaluation mode
 * (BatchNorm uses its running statistics, Dropout is off), then restores the model's mode.
 */
public final class Evaluator {
    /** Batch size of evaluation passes: large, since no activations are kept for backward. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private Evaluator() {
    }

    /** Loss (mean per example), accuracy and confusion matrix of {@code model} on {@code data}. */
    public static Evaluation evaluate(Module model, Dataset data, LossFunction loss) {
        return evaluate(model, data, loss, DEFAULT_BATCH_SIZE);
    }

    /** As {@link #evaluate(Module, Dataset, LossFunction)} with a chosen batch size. */
    public static Evaluation evaluate(Module model, Dataset data, LossFunction loss, int batchSize) {
        boolean wasTraining = model.isTraining();
        int k = data.numClasses();
        long[][] confusion = new long[k][k];
        double lossSum = 0;
        model.eval();
        try (NoGrad g = Variable.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(batchSize).build()) {
                Variable logits = model.forward(Variable.constant(b.features()));
                lossSum += loss.apply(logits, b.labels()).value().item() * (double) b.size();
                int[] predicted = argmaxRows(logits);
                int[] actual = b.labels();
                for (int i = 0; i < actual.length; i++) {
                    if (predicted[i] < k) {
                        confusion[actual[i]][predicted[i]]++;
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(data.size() == 0 ? Double.NaN : lossSum / data.size(), confusion);
    }

    /** How many rows of {@code [B, C]} logits have their arg-max at the row's label. */
    public static int countCorrect(Variable logits, int[] labels) {
        int[] predicted = argmaxRows(logits);
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("countCorrect: " + predicted.length + " rows of logits but "
                    + labels.length + " labels");
        }
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            n += predicted[i] == labels[i] ? 1 : 0;
        }
        return n;
    }

    /** Arg-max of each row of {@code [B, C]} logits (the first index on ties, like PyTorch). */
    public static int[] argmaxRows(Variable logits) {
        long[] shape = logits.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("argmaxRows: logits must be [B, C], got " + java.util.Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] v = logits.value().toFloatArray();
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            float bestValue = v[r * cols];
            for (int c = 1; c < cols; c++) {
                float x = v[r * cols + c];
                if (x > bestValue || (Float.isNaN(x) && !Float.isNaN(bestValue))) {
                    best = c;
                    bestValue = x;
                }
            }
            out[r] = best;
        }
        return out;
    }
}
