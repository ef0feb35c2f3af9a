package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer-normalisation forward as a backend computed it ({@link Ops#layerNorm}), holding the
 * per-row mean and reciprocal standard deviation its backward needs, where the backend keeps them
 * (the heap on {@code cpu}, ND4J arrays on {@code nd4j}).
 */
public interface LayerNormPass {
    /**
     * Back-propagates {@code g = dL/dy [R, C]} into the gradient buffers that are not null,
     * PyTorch's closed form per row: {@code dx = betaX·dx + ∂L/∂x},
     * {@code dWeight = betaW·dWeight + Σ_rows g·x̂}, {@code dBias = betaB·dBias + Σ_rows g}.
     */
    void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW, INDArray dBias, double betaB);
}
