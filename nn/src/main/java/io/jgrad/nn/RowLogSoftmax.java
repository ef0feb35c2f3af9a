package io.jgrad.nn;

/**
 * The row-wise log-softmax of a host copy of an {@code [n, c]} matrix of logits divided by a
 * temperature, computed stably in double ({@code z - max - log Σ exp(z - max)}). The shared core
 * of the fused classification losses: their forward reads {@link #logProb}, their backward
 * {@link #prob}.
 */
final class RowLogSoftmax {
    final int n;
    final int c;
    private final double[] logp;

    RowLogSoftmax(double[] logits, int n, int c, double temperature) {
        this.n = n;
        this.c = c;
        this.logp = new double[n * c];
        double inv = 1.0 / temperature;
        for (int i = 0; i < n; i++) {
            int row = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits[row + j] * inv);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double z = logits[row + j] * inv - max;
                logp[row + j] = z;
                sum += Math.exp(z);
            }
            double lse = Math.log(sum);
            for (int j = 0; j < c; j++) {
                logp[row + j] -= lse;
            }
        }
    }

    /** log softmax of row {@code i}, column {@code j}. */
    double logProb(int i, int j) {
        return logp[i * c + j];
    }

    /** softmax of row {@code i}, column {@code j}. */
    double prob(int i, int j) {
        return Math.exp(logp[i * c + j]);
    }
}
