package io.jgrad.train;

/**
 * What one epoch of training produced. Validation fields are NaN when no validation set was
 * given; {@code trainAcc} is NaN when the epoch had no labelled batches (a pure transfer set).
 *
 * @param epoch     1-based epoch number
 * @param trainLoss mean training loss over the epoch's examples (running, as the weights moved)
 * @param trainAcc  training accuracy over the epoch's labelled examples (running)
 * @param valLoss   validation loss after the epoch
 * @param valAcc    validation accuracy after the epoch
 * @param lr        learning rate at the start of the epoch
 * @param seconds   wall time of the epoch including validation
 */
public record EpochStats(int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc, double lr,
                         double seconds) {
    /** The metric names {@link #metric} understands. */
    public static final java.util.List<String> METRICS = java.util.List.of("train_loss", "train_acc", "val_loss",
            "val_acc");

    /** A metric by name: {@code train_loss}, {@code train_acc}, {@code val_loss} or {@code val_acc}. */
    public double metric(String name) {
        return switch (name) {
            case "train_loss" -> trainLoss;
            case "train_acc" -> trainAcc;
            case "val_loss" -> valLoss;
            case "val_acc" -> valAcc;
            default -> throw new IllegalArgumentException("EpochStats.metric: unknown metric '" + name + "', expected one of "
                    + METRICS);
        };
    }

    /** Whether larger values of {@code metric} are better (accuracies) or smaller (losses). */
    public static boolean higherIsBetter(String metric) {
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "', expected one of " + METRICS);
        }
        return metric.endsWith("_acc");
    }
}
