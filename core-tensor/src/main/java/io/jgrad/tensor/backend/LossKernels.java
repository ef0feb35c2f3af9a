package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused losses of one backend, the formulas documented on {@link Ops}: {@link DeviceLosses}
 * (ND4J ops) or {@link HostLosses} (the {@code cpu} backend's host kernels).
 */
interface LossKernels {
    LossPass crossEntropy(INDArray logits, ClassLabels labels, double labelSmoothing);

    LossPass mse(INDArray prediction, INDArray target);

    LossPass bceWithLogits(INDArray logits, INDArray targets);

    LossPass klDivergence(INDArray logProbs, INDArray probs);

    LossPass distillation(INDArray student, INDArray teacher, ClassLabels labels, double temperature, double alpha);
}
