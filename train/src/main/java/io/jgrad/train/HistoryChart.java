package io.jgrad.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Draws a {@link History} as one PNG with two {@link Plot} panels side by side, loss and
 * accuracy per epoch for training and validation (a regression's accuracy panel stays empty).
 */
final class HistoryChart {
    private HistoryChart() {
    }

    static void write(History history, Path file) throws IOException {
        Plot.writeRow(file, panel("Loss", "loss", history, EpochStats::trainLoss, EpochStats::valLoss),
                panel("Accuracy", "accuracy", history, EpochStats::trainAcc, EpochStats::valAcc));
    }

    private static Plot panel(String title, String yLabel, History history, ToDoubleFunction<EpochStats> train,
                              ToDoubleFunction<EpochStats> val) {
        List<EpochStats> epochs = history.epochs();
        double[] x = epochs.stream().mapToDouble(EpochStats::epoch).toArray();
        return Plot.titled(title).axes("epoch", yLabel)
                .points("train", x, epochs.stream().mapToDouble(train).toArray())
                .points("validation", x, epochs.stream().mapToDouble(val).toArray());
    }
}
