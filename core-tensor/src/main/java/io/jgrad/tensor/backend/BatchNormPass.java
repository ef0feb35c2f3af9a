package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch-normalisation forward as a backend computed it, holding what its backward needs
 * (the statistics, and the input where the backward reads it). Returned by
 * {@link Ops#batchNorm} and {@link Ops#batchNormEval}.
 */
public interface BatchNormPass {
    /**
     * The batch statistics as the backend holds them (ND4J arrays on {@code nd4j}, so that running
     * statistics are updated on the device); by default the heap arrays of {@link #mean} and {@link #var}.
     */
    default BatchStats stats() {
        return BatchStats.of(mean(), var());
    }

    /** The per-channel mean this pass normalised with (the batch mean in training mode). */
    double[] mean();

    /** The per-channel variance it normalised with (the biased batch variance in training mode). */
    double[] var();

    /**
     * Back-propagates {@code g = dL/dy} into the gradient buffers that are not null:
     * {@code dx = betaX·dx + ∂L/∂x}, {@code dWeight = betaW·dWeight + ∂L/∂γ},
     * {@code dBias = betaB·dBias + ∂L/∂β}.
     */
    void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW, INDArray dBias, double betaB);
}
