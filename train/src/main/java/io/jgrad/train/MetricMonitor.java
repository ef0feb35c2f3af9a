package io.jgrad.train;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tracks the best value of one metric of {@link EpochStats} ({@code val_loss} lower is better,
 * {@code val_acc} higher), counting an epoch as an improvement only when it beats the best by
 * more than {@code minDelta}. Non-finite values never improve.
 */
final class MetricMonitor {
    private final String metric;
    private final boolean higherIsBetter;
    private final double minDelta;
    private double best = Double.NaN;
    private int bestEpoch = -1;

    MetricMonitor(String metric, double minDelta) {
        this.higherIsBetter = EpochStats.higherIsBetter(metric);
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
        }
        this.metric = metric;
        this.minDelta = minDelta;
    }

    /**
     * Checks that {@code metric} exists for {@code task}: a regression has no accuracy, so
     * watching {@code val_acc} would watch NaN forever and never fire.
     */
    static void requireFits(String owner, String metric, Task task) {
        if (task != null && !task.hasAccuracy() && metric.endsWith("_acc")) {
            throw new IllegalArgumentException(owner + ": metric '" + metric + "' does not exist for a regression "
                    + "(it has no accuracy); watch val_loss or train_loss");
        }
    }

    /** Records the epoch's value; true when it improved on the best so far. */
    boolean update(EpochStats stats) {
        double v = stats.metric(metric);
        if (!Double.isFinite(v)) {
            return false;
        }
        boolean improved = Double.isNaN(best) || (higherIsBetter ? v > best + minDelta : v < best - minDelta);
        if (improved) {
            best = v;
            bestEpoch = stats.epoch();
        }
        return improved;
    }

    /** {@code best} (NaN before any finite value) and {@code best_epoch} as float64 scalars, for checkpoints. */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("best", Tensor.scalar(best));
        out.put("best_epoch", Tensor.scalar((double) bestEpoch));
        return out;
    }

    /** Reads a {@link #state()} from {@code in}, changing nothing, and returns the step that applies it. */
    Runnable readState(StateDictReader in) {
        Tensor t = in.tensor("best");
        if (t.size() != 1) {
            throw in.invalid("best", "has " + t.size() + " values, expected one number");
        }
        double b = t.getDouble(0); // NaN allowed: no best yet
        int e = (int) in.wholeNumber("best_epoch", -1, Integer.MAX_VALUE);
        if (Double.isNaN(b) != (e == -1)) {
            throw in.invalid("best", "is " + b + " with best_epoch " + e + ", expected NaN exactly when best_epoch is -1");
        }
        return () -> {
            best = b;
            bestEpoch = e;
        };
    }

    String metric() {
        return metric;
    }

    double best() {
        return best;
    }

    int bestEpoch() {
        return bestEpoch;
    }
}
