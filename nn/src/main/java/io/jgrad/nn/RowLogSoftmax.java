package io.jgrad.nn;

import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The row-wise log-softmax of an {@code [n, c]} matrix of logits divided by a temperature, as a
 * host copy in double (the backend's {@link Ops#rowLogSoftmax}). The shared core of the fused
 * classification losses: their forward reads {@link #logProb}, their backward {@link #prob}.
 */
final class RowLogSoftmax {
    final int n;
    final int c;
    private final double[] logp;

    RowLogSoftmax(INDArray logits, double temperature) {
        this.n = (int) logits.size(0);
        this.c = (int) logits.size(1);
        this.logp = Ops.get().rowLogSoftmax(logits, temperature);
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
