package io.jgrad.train;

import java.util.List;

/**
 * Classification metrics of a model on a data set: mean loss, accuracy, and the confusion
 * matrix with the per-class accuracies (recalls) derived from it, which cost-sensitive users
 * need to see where the errors fall.
 */
public final class Evaluation {
    private final double loss;
    private final long[][] confusion;
    private final long total;
    private final long correct;

    /**
     * @param loss      mean loss over the examples
     * @param confusion {@code confusion[actual][predicted]} counts
     */
    public Evaluation(double loss, long[][] confusion) {
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

    /** Mean loss per example. */
    public double loss() {
        return loss;
    }

    /** Fraction of examples whose arg-max prediction equals the label. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Number of examples evaluated. */
    public long count() {
        return total;
    }

    /** A copy of the confusion matrix, {@code [actual][predicted]}. */
    public long[][] confusionMatrix() {
        long[][] out = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            out[i] = confusion[i].clone();
        }
        return out;
    }

    /** Accuracy within each true class (its recall); NaN for a class without examples. */
    public double[] perClassAccuracy() {
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

    /** A readable report: loss, accuracy, per-class accuracy and the confusion matrix. */
    public String format(List<String> classNames) {
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
