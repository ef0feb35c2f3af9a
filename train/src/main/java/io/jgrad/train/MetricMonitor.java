package io.jgrad.train;

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
