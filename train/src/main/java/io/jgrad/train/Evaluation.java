package io.jgrad.train;

import java.util.List;
import java.util.Locale;

/**
 * The metrics of a model on a data set, chosen by its {@link Task}. Classification (multi-class
 * or binary): mean loss, accuracy, and the confusion matrix with the per-class accuracies
 * (recalls) derived from it, which cost-sensitive users need to see where the errors fall.
 * Regression: mean loss, MSE and MAE; asking a regression for an accuracy is an error, not NaN.
 */
public final class Evaluation {
    private final Task task;
    private final double loss;
    private final long[][] confusion;
    private final long total;
    private final long correct;
    private final double mse;
    private final double mae;

    /**
     * Multi-class metrics.
     *
     * @param loss      mean loss over the examples
     * @param confusion {@code confusion[actual][predicted]} counts
     */
    public Evaluation(double loss, long[][] confusion) {
        this(Task.MULTICLASS, loss, confusion);
    }

    /** Classification metrics of a multi-class or binary task. */
    public Evaluation(Task task, double loss, long[][] confusion) {
        if (task == Task.REGRESSION) {
            throw new IllegalArgumentException("Evaluation: a regression has no confusion matrix; use Evaluation.regression");
        }
        this.task = task;
        this.mse = Double.NaN;
        this.mae = Double.NaN;
        this.loss = loss;
        this.confusion = new long[confusion.length][];
        long t = 0;
        long c = 0;
        for (int i = 0; i < confusion.length; i++) {
            this.confusion[i] = confusion[i].clone();
            for (int j = 0; j < confusion[i].length; j++) {
                t += confusion[i][j];
            }
            c += confusion[i][i];
        }
        this.total = t;
        this.correct = c;
    }

    private Evaluation(double loss, double mse, double mae, long count) {
        this.task = Task.REGRESSION;
        this.loss = loss;
        this.mse = mse;
        this.mae = mae;
        this.total = count;
        this.correct = 0;
        this.confusion = new long[0][];
    }

    /** Regression metrics: mean loss, mean squared and mean absolute error over {@code count} examples. */
    public static Evaluation regression(double loss, double mse, double mae, long count) {
        return new Evaluation(loss, mse, mae, count);
    }

    /** The task these metrics were chosen for. */
    public Task task() {
        return task;
    }

    /** Mean squared error over every target (regression only). */
    public double mse() {
        requireRegression("mse");
        return mse;
    }

    /** Mean absolute error over every target (regression only). */
    public double mae() {
        requireRegression("mae");
        return mae;
    }

    private void requireRegression(String metric) {
        if (task != Task.REGRESSION) {
            throw new IllegalStateException("Evaluation." + metric + ": a " + task + " evaluation has accuracy, "
                    + "per-class accuracy and a confusion matrix, not " + metric);
        }
    }

    private void requireClasses(String metric) {
        if (!task.hasAccuracy()) {
            throw new IllegalStateException("Evaluation." + metric + ": a regression has no " + metric
                    + "; use mse() or mae()");
        }
    }

    /** Mean loss per example. */
    public double loss() {
        return loss;
    }

    /** Fraction of examples whose arg-max prediction equals the label. */
    public double accuracy() {
        requireClasses("accuracy");
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Number of examples evaluated. */
    public long count() {
        return total;
    }

    /** A copy of the confusion matrix, {@code [actual][predicted]}. */
    public long[][] confusionMatrix() {
        requireClasses("confusionMatrix");
        long[][] out = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            out[i] = confusion[i].clone();
        }
        return out;
    }

    /** Accuracy within each true class (its recall); NaN for a class without examples. */
    public double[] perClassAccuracy() {
        requireClasses("perClassAccuracy");
        double[] out = new double[confusion.length];
        for (int i = 0; i < confusion.length; i++) {
            long n = 0;
            for (long v : confusion[i]) {
                n += v;
            }
            out[i] = n == 0 ? Double.NaN : (double) confusion[i][i] / n;
        }
        return out;
    }

    /** A readable report: loss, accuracy, per-class accuracy and the confusion matrix (or MSE and MAE). */
    public String format(List<String> classNames) {
        if (task == Task.REGRESSION) {
            return String.format(Locale.ROOT, "loss %.4f  MSE %.4f  MAE %.4f  (%d examples)%n", loss, mse, mae, total);
        }
        int k = confusion.length;
        StringBuilder sb = new StringBuilder(String.format("loss %.4f  accuracy %.2f%% (%d/%d)%n", loss,
                100 * accuracy(), correct, total));
        double[] per = perClassAccuracy();
        int width = 6;
        for (int i = 0; i < k; i++) {
            width = Math.max(width, name(classNames, i).length());
        }
        sb.append(String.format("%-" + width + "s  %7s  confusion (rows: actual, columns: predicted)%n", "class", "acc"));
        for (int i = 0; i < k; i++) {
            sb.append(String.format("%-" + width + "s  %6.2f%% ", name(classNames, i), 100 * per[i]));
            for (long v : confusion[i]) {
                sb.append(String.format(" %5d", v));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String name(List<String> names, int i) {
        return names != null && i < names.size() ? names.get(i) : String.valueOf(i);
    }
}
