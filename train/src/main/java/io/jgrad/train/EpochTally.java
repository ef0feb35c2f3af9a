package io.jgrad.train;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running sums of the epoch in progress (loss, examples, correct predictions) and the lr it
 * started with: what its {@link EpochStats} line is made of. The trainers (and SparkTrainer's
 * driver) put them into mid-epoch checkpoints, so a run resumed in the middle of an epoch
 * reports (and feeds to a plateau scheduler, early stopping and the best checkpoint) exactly the
 * epoch's numbers the uninterrupted run does.
 */
public final class EpochTally {
    private double lr;
    private double lossSum;
    private long samples;
    private long correct;
    private long labeled;

    /** Starts an epoch at learning rate {@code lr}. */
    public void start(double lr) {
        this.lr = lr;
        lossSum = 0;
        samples = 0;
        correct = 0;
        labeled = 0;
    }

    /** Adds a batch of {@code n} examples with mean loss {@code loss}. */
    public void addLoss(double loss, long n) {
        lossSum += loss * n;
        samples += n;
    }

    /** Adds {@code correct} right predictions among {@code n} labelled examples. */
    public void addCorrect(long correct, long n) {
        this.correct += correct;
        labeled += n;
    }

    /** The lr the epoch started with. */
    public double lr() {
        return lr;
    }

    /** The examples so far. */
    public long samples() {
        return samples;
    }

    /** The mean loss so far (NaN before the first batch). */
    public double meanLoss() {
        return lossSum / samples;
    }

    /** The accuracy over the labelled examples so far (NaN when there were none). */
    public double accuracy() {
        return labeled == 0 ? Double.NaN : (double) correct / labeled;
    }

    /** Float64 scalars: every count below 2^53 and the sum itself are stored exactly. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.scalar(lr));
        out.put("loss_sum", Tensor.scalar(lossSum));
        out.put("samples", Tensor.scalar((double) samples));
        out.put("correct", Tensor.scalar((double) correct));
        out.put("labeled", Tensor.scalar((double) labeled));
        return out;
    }

    /**
     * Restores {@link #state()}; strict and all-or-nothing ({@link StateDictReader}). An empty map
     * (a checkpoint of an older jgrad) leaves the tally as it is.
     */
    public void load(Map<String, Tensor> state) {
        if (state.isEmpty()) {
            return;
        }
        StateDictReader.load("EpochTally", state, in -> {
            double l = in.nonNegative("lr");
            double sum = in.number("loss_sum");
            long n = in.wholeNumber("samples", 0, 1L << 53);
            long c = in.wholeNumber("correct", 0, 1L << 53);
            long lab = in.wholeNumber("labeled", 0, 1L << 53);
            return () -> {
                lr = l;
                lossSum = sum;
                samples = n;
                correct = c;
                labeled = lab;
            };
        });
    }
}
