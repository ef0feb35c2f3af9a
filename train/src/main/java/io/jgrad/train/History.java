package io.jgrad.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The record of one {@code fit}: one {@link EpochStats} per completed epoch and why training
 * stopped. Written as CSV for spreadsheets and as a PNG chart for a glance
 * ({@link HistoryChart}).
 */
public final class History {
    /** The CSV header, one column per {@link EpochStats} field. */
    public static final String CSV_HEADER = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds";

    private final List<EpochStats> epochs = new ArrayList<>();
    private String stopReason = "completed";
    private boolean diverged;

    /** Appends a finished epoch (for training loops outside this package, such as the Spark trainer). */
    public void add(EpochStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("History.add: stats is null");
        }
        epochs.add(stats);
    }

    void stop(String reason, boolean divergedFlag) {
        this.stopReason = reason;
        this.diverged = divergedFlag;
    }

    /** The completed epochs in order. */
    public List<EpochStats> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The last completed epoch, if any. */
    public Optional<EpochStats> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    /** The epoch with the best finite value of {@code metric}, if any. */
    public Optional<EpochStats> best(String metric) {
        boolean higher = EpochStats.higherIsBetter(metric);
        EpochStats best = null;
        for (EpochStats e : epochs) {
            double v = e.metric(metric);
            if (Double.isFinite(v) && (best == null || (higher ? v > best.metric(metric) : v < best.metric(metric)))) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** "completed", or why training stopped early (early stopping, a non-finite loss). */
    public String stopReason() {
        return stopReason;
    }

    /** Whether training stopped because the loss became NaN or infinite. */
    public boolean diverged() {
        return diverged;
    }

    /** The history as CSV text ({@link #CSV_HEADER} then one line per epoch; NaN as empty). */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochStats e : epochs) {
            sb.append(e.epoch()).append(',').append(num(e.trainLoss())).append(',').append(num(e.trainAcc()))
                    .append(',').append(num(e.valLoss())).append(',').append(num(e.valAcc())).append(',')
                    .append(num(e.lr())).append(',').append(String.format(Locale.ROOT, "%.3f", e.seconds())).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file}, creating parent directories. */
    public void writeCsv(Path file) throws IOException {
        createParent(file);
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write(toCsv());
        }
    }

    /** Writes a PNG chart of loss and accuracy per epoch (see {@link HistoryChart}). */
    public void writeChart(Path file) throws IOException {
        createParent(file);
        HistoryChart.write(this, file);
    }

    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
