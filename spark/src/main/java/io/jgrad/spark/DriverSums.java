package io.jgrad.spark;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver's running sums of the epoch in progress (loss, examples, correct predictions) and
 * the lr it started with, which make the epoch's History line. Checkpoints carry them, so a run
 * resumed mid-epoch reports the epoch as the uninterrupted run does.
 */
final class DriverSums {
    double lr;
    double lossSum;
    long samples;
    long correct;

    void start(double lr) {
        this.lr = lr;
        lossSum = 0;
        samples = 0;
        correct = 0;
    }

    /** Float64 scalars (exact for the sum and for counts below 2^53). */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.scalar(lr));
        out.put("loss_sum", Tensor.scalar(lossSum));
        out.put("samples", Tensor.scalar((double) samples));
        out.put("correct", Tensor.scalar((double) correct));
        return out;
    }

    /** Restores {@link #state()} read from checkpoint {@code file}; strict, and nothing changes on a bad entry. */
    void load(Path file, Map<String, Tensor> state) {
        try {
            StateDictReader.load("SparkTrainer", state, in -> {
                double l = in.nonNegative("lr");
                double sum = in.number("loss_sum");
                long n = in.wholeNumber("samples", 0, 1L << 53);
                long c = in.wholeNumber("correct", 0, 1L << 53);
                return () -> {
                    lr = l;
                    lossSum = sum;
                    samples = n;
                    correct = c;
                };
            });
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SparkTrainer.fit: resumeFrom " + file + " holds no valid epoch sums (is it "
                    + "a SparkTrainer checkpoint?): " + e.getMessage(), e);
        }
    }
}
