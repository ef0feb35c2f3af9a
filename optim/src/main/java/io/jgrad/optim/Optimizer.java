package io.jgrad.optim;

import io.jgrad.tensor.Tensor;
import java.util.Map;

/**
 * Updates parameters from their gradients, like {@code torch.optim.Optimizer}. Each optimizer
 * is built with {@code X.builder(params)...build()} with PyTorch's argument names and defaults.
 */
public interface Optimizer {
    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Zeroes every parameter's gradient, reusing the buffers. */
    void zeroGrad();

    /** The learning rate of the first parameter group. */
    double lr();

    /** Sets the learning rate of every parameter group. */
    void setLr(double lr);

    /** The optimizer's state (per-parameter buffers, step counts, hyper-parameters) as tensors. */
    Map<String, Tensor> stateDict();

    /** Restores state saved by {@link #stateDict()}. */
    void loadStateDict(Map<String, Tensor> state);
}
