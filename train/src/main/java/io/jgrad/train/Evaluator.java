package io.jgrad.train;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.tensor.backend.Backend;

/**
 * Runs a classifier over a data set without recording a graph and in evaluation mode
 * (BatchNorm uses its running statistics, Dropout is off), then restores the model's mode.
 * On the {@code cpu} backend each batch's numbers are read as they come; on {@code nd4j} they
 * are summed on the device and read once per evaluation ({@link DeviceEvaluation}).
 */
public final class Evaluator {
    /** Batch size of evaluation passes: large, since no activations are kept for backward. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private Evaluator() {
    }

    /**
     * The metrics of {@code model} on {@code data} chosen by the loss's {@link Task}: loss,
     * accuracy and confusion matrix for classification, loss, MSE and MAE for regression. With
     * INT64 targets of any shape every token counts (the loss is the mean over tokens), except
     * those equal to the loss's {@link LossFunction#ignoreIndex()}.
     */
    public static Evaluation evaluate(Module model, Dataset data, LossFunction loss) {
        return evaluate(model, data, loss, DEFAULT_BATCH_SIZE);
    }

    /**
     * As {@link #evaluate(Module, Dataset, LossFunction)} with a chosen batch size.
     *
     * @throws IllegalArgumentException when the model's outputs cannot be scored for the loss's
     *     task (e.g. one output column under cross-entropy), naming the shapes and the fix
     */
    public static Evaluation evaluate(Module model, Dataset data, LossFunction loss, int batchSize) {
        if (Backend.current() == Backend.ND4J) {
            return DeviceEvaluation.evaluate(model, data, loss, batchSize);
        }
        boolean wasTraining = model.isTraining();
        Task task = loss.task();
        int k = task.hasAccuracy() ? task.numClasses(data) : 0;
        long[][] confusion = new long[k][k];
        double lossSum = 0;
        double lossWeight = 0;
        double squared = 0;
        double absolute = 0;
        long values = 0;
        model.eval();
        try (NoGrad g = Variable.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(batchSize).build()) {
                Variable output = model.forward(Variable.constant(b.features()));
                task.check("evaluate", loss.name(), output.shape(), data);
                double batchLoss = loss.apply(output, b).value().item();
                if (!task.hasAccuracy()) {
                    lossSum += batchLoss * b.size();
                    lossWeight += b.size();
                    float[] p = output.value().toFloatArray();
                    float[] t = b.targets().toFloatArray();
                    for (int i = 0; i < p.length; i++) {
                        double d = (double) p[i] - t[i];
                        squared += d * d;
                        absolute += Math.abs(d);
                    }
                    values += p.length;
                    continue;
                }
                int[] predicted = task.predictedClasses(output);
                int[] actual = Task.actualClasses(b);
                long scored = 0;
                for (int i = 0; i < actual.length; i++) {
                    if (actual[i] != loss.ignoreIndex()) {
                        confusion[actual[i]][predicted[i]]++;
                        scored++;
                    }
                }
                // a batch's loss is a mean over its scored targets (examples, or tokens not ignored)
                if (scored > 0) {
                    double w = b.hasIndexTargets() ? scored : b.size();
                    lossSum += batchLoss * w;
                    lossWeight += w;
                }
            }
        } finally {
            model.train(wasTraining);
        }
        double meanLoss = lossWeight == 0 ? Double.NaN : lossSum / lossWeight;
        if (!task.hasAccuracy()) {
            return Evaluation.regression(meanLoss, squared / values, absolute / values, data.size());
        }
        return new Evaluation(task, meanLoss, confusion);
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
