package io.jgrad.train;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running sums of the epoch in progress (loss, examples, correct predictions) and the lr it
 * started with: what its {@link EpochStats} line is made of. They go into mid-epoch checkpoints,
 * so a run resumed in the middle of an epoch reports (and feeds to a plateau scheduler, early
 * stopping and the best checkpoint) exactly the epoch's numbers the uninterrupted run does.
 */
final class EpochTally {
    double lr;
    double lossSum;
    long samples;
    long correct;
    long labeled;

    /** Starts an epoch at learning rate {@code lr}. */
    void start(double lr) {
        this.lr = lr;
        lossSum = 0;
        samples = 0;
        correct = 0;
        labeled = 0;
    }

    /** Float64 scalars: every count below 2^53 and the sum itself are stored exactly. */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.scalar(lr));
        out.put("loss_sum", Tensor.scalar(lossSum));
        out.put("samples", Tensor.scalar((double) samples));
        out.put("correct", Tensor.scalar((double) correct));
        out.put("labeled", Tensor.scalar((double) labeled));
        return out;
    }

    /** Restores {@link #state()}; an empty map (a checkpoint of an older jgrad) leaves the tally as it is. */
    void load(Map<String, Tensor> state) {
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
