package io.jgrad.tensor.backend;

/**
 * The row-wise log-softmax of a heap copy of an {@code [n, c]} matrix divided by a temperature,
 * stably in double ({@code z − max − log Σ exp(z − max)}, {@code z = x / T}): plain Java over a
 * heap array, so both backends share it once the logits are copied out ({@link Ops#rowLogSoftmax}).
 */
final class HeapLogSoftmax {
    private HeapLogSoftmax() {
    }

    static double[] of(double[] logits, int n, int c, double temperature) {
        double[] logp = new double[n * c];
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
        return logp;
    }
}
