package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One fused cross-entropy forward (log-softmax + negative log-likelihood over INT64 class
 * indices) as a backend computed it, holding what its backward needs. Returned by
 * {@link Ops#crossEntropy}.
 */
public interface CrossEntropyPass {
    /**
     * The mean of {@code -log softmax(x_i)[t_i]} over the rows whose target is not the ignore
     * index: a scalar (shape {@code []}) of the logits' type, NaN when every row is ignored (as
     * PyTorch's {@code F.cross_entropy}).
     */
    INDArray loss();

    /**
     * The gradient of the logits for the loss gradient {@code g} (a one-element array):
     * {@code g·(softmax(x_i) − onehot(t_i)) / count} on counted rows, 0 on ignored rows (all 0
     * when every row is ignored, as PyTorch), in a new {@code [n, c]} array of the logits' type.
     */
    INDArray backward(INDArray g);
}
