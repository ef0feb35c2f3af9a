package io.jgrad.train;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.tensor.backend.BatchLog;

/**
 * {@link Evaluator#evaluate} on the {@code nd4j} backend: each batch's loss, scored targets and
 * squared and absolute errors go into a {@link BatchLog} and its predictions into a confusion
 * matrix, all on the device, and the whole evaluation is read into the JVM in one transfer at
 * its end. The sums are then made on the host in batch order, exactly as the per-batch loop does.
 */
final class DeviceEvaluation {
    private static final int LOSS = 0;
    private static final int CORRECT = 1;       // and COUNTED = 2
    private static final int SQUARED = 3;       // and ABSOLUTE = 4

    private DeviceEvaluation() {
    }

    static Evaluation evaluate(Module model, Dataset data, LossFunction loss, int batchSize) {
        boolean wasTraining = model.isTraining();
        Task task = loss.task();
        int k = task.hasAccuracy() ? task.numClasses(data) : 0;
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).build();
        int batches = loader.numBatches();
        BatchLog log = new BatchLog(batches, 5, k == 0 ? 0 : k * k + 1);
        long[] sizes = new long[batches];
        boolean[] perToken = new boolean[batches];
        long values = 0;
        int i = 0;
        model.eval();
        try (NoGrad g = Variable.noGrad()) {
            for (Batch b : loader) {
                Variable output = model.forward(Variable.constant(b.features()));
                task.check("evaluate", loss.name(), output.shape(), data);
                log.put(i, LOSS, loss.apply(output, b).value().array());
                if (task.hasAccuracy()) {
                    var predicted = task.predictedOnDevice(output).array();
                    var actual = Task.actualOnDevice(b).array();
                    log.putCorrect(i, CORRECT, predicted, actual, loss.ignoreIndex());
                    log.addConfusion(predicted, actual, loss.ignoreIndex(), k);
                } else {
                    log.putErrors(i, SQUARED, output.value().array(), b.targets().array());
                    values += output.value().size();
                }
                sizes[i] = b.size();
                perToken[i] = b.hasIndexTargets();
                i++;
            }
        } finally {
            model.train(wasTraining);
        }
        double[][] rows = log.read(0, i);
        double lossSum = 0;
        double lossWeight = 0;
        double squared = 0;
        double absolute = 0;
        for (int r = 0; r < i; r++) {
            double scored = rows[r][CORRECT + 1];
            if (k == 0 || scored > 0) {     // a batch's loss is a mean over its scored targets
                double w = k != 0 && perToken[r] ? scored : sizes[r];
                lossSum += rows[r][LOSS] * w;
                lossWeight += w;
            }
            squared += rows[r][SQUARED];
            absolute += rows[r][SQUARED + 1];
        }
        double meanLoss = lossWeight == 0 ? Double.NaN : lossSum / lossWeight;
        if (k == 0) {
            return Evaluation.regression(meanLoss, squared / values, absolute / values, data.size());
        }
        double[] counts = log.counts();
        long[][] confusion = new long[k][k];
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < k; p++) {
                confusion[a][p] = (long) counts[a * k + p];
            }
        }
        return new Evaluation(task, meanLoss, confusion);
    }
}
