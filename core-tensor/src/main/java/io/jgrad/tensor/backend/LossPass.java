package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One fused loss as a backend computed it: the scalar loss (shape {@code []}, in the backend's
 * memory) and the backward beside it. Returned by the loss methods of {@link Ops}, so that on the
 * {@code nd4j} backend neither the logits nor the gradient leave the device.
 */
public interface LossPass {
    /** The loss, a scalar array of the inputs' type. */
    INDArray value();

    /**
     * The gradients for the loss's inputs, in the order the op took them, given {@code g}, the
     * scalar gradient of the loss (an array, so that it is never read into the JVM);
     * {@code wanted[i]} false leaves entry i null.
     */
    INDArray[] backward(INDArray g, boolean... wanted);
}
