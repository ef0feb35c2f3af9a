package io.jgrad.optim;

import io.jgrad.tensor.Tensor;
import java.util.Map;

/**
 * Updates parameters from their gradients, like {@code torch.optim.Optimizer}. Each optimizer
 * is built with {@code X.builder(params)...build()} with PyTorch's argument names and defaults.
 *
 * <p>An optimizer holds one or more parameter groups, each with its own lr; the per-group
 * methods let schedulers drive them all. The defaults describe a single-group optimizer.
 *
 * <pre>{@code
 * Optimizer opt = Adam.builder(model.parameters()).lr(1e-3).build();
 * opt.zeroGrad();
 * Losses.crossEntropy(model.forward(x), labels).backward();
 * opt.step();
 * }</pre>
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

    /** The number of parameter groups. */
    default int groupCount() {
        return 1;
    }

    /** The learning rate of parameter group {@code group}. */
    default double lr(int group) {
        checkGroup(group);
        return lr();
    }

    /** Sets the learning rate of parameter group {@code group}. */
    default void setLr(int group, double lr) {
        checkGroup(group);
        setLr(lr);
    }

    /**
     * The lr of group {@code group} when the first scheduler was attached (PyTorch's
     * {@code initial_lr}), or NaN when none was recorded.
     */
    default double initialLr(int group) {
        checkGroup(group);
        return Double.NaN;
    }

    /** Records {@code initial_lr} of a group; optimizers that do not keep it ignore the call. */
    default void setInitialLr(int group, double lr) {
        checkGroup(group);
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= groupCount()) {
            throw new IllegalArgumentException("Optimizer: no param group " + group + ", there are " + groupCount());
        }
    }
}
