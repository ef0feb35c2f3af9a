package io.jgrad.examples;

import io.jgrad.train.Plot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The record of a {@code jgrad lm} run: the training loss and learning rate of every step and
 * the validation loss where it was measured, written as {@code history.csv}
 * ({@code step,train_loss,lr,val_loss}, 1-based steps, the validation column empty where not
 * measured) and as a loss chart.
 */
final class LmHistory {
    private final double[] train;
    private final double[] lr;
    private final double[] validation;

    LmHistory(int steps) {
        train = new double[steps];
        lr = new double[steps];
        validation = new double[steps];
        Arrays.fill(validation, Double.NaN);
    }

    void train(int step, double loss, double rate) {
        train[step] = loss;
        lr[step] = rate;
    }

    void validation(int step, double loss) {
        validation[step] = loss;
    }

    /** ", validation X" when step {@code s} measured one. */
    String lastValidationText(int s) {
        return Double.isNaN(validation[s]) ? "" : String.format(Locale.ROOT, "  validation %.3f", validation[s]);
    }

    /** The validation loss of the last step (always measured). */
    double finalValidation() {
        return validation[validation.length - 1];
    }

    void writeCsv(Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("step,train_loss,lr,val_loss");
            for (int s = 0; s < train.length; s++) {
                w.printf(Locale.ROOT, "%d,%.6f,%.6e,%s%n", s + 1, train[s], lr[s],
                        Double.isNaN(validation[s]) ? "" : String.format(Locale.ROOT, "%.6f", validation[s]));
            }
        }
    }

    void writeChart(Path png) throws IOException {
        double[] steps = new double[train.length];
        int measured = 0;
        for (int s = 0; s < train.length; s++) {
            steps[s] = s + 1;
            measured += Double.isNaN(validation[s]) ? 0 : 1;
        }
        double[] vx = new double[measured];
        double[] vy = new double[measured];
        for (int s = 0, k = 0; s < train.length; s++) {
            if (!Double.isNaN(validation[s])) {
                vx[k] = s + 1;
                vy[k++] = validation[s];
            }
        }
        Plot.titled("jgrad lm: cross entropy").axes("step", "nats/char")
                .line("train (batch)", steps, train).points("validation", vx, vy).write(png);
    }
}
