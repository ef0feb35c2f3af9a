package io.jgrad.optim;

import io.jgrad.tensor.Tensor;
import java.util.Map;

/**
 * Changes an optimizer's learning rate as training goes on, like PyTorch's
 * {@code torch.optim.lr_scheduler}. Constructing one sets the lr for step 0.
 *
 * <pre>{@code
 * LRScheduler sched = new CosineAnnealingLR(opt, epochs, 0.0);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     trainOneEpoch();
 *     sched.step();                // once per epoch, after the optimizer's steps
 * }
 * }</pre>
 */
public interface LRScheduler {
    /** Advances one step (usually one epoch) and sets the optimizer's lr. */
    void step();

    /** The lr the scheduler set last. */
    double lastLr();

    /**
     * The scheduler's state (step count, base lrs, ...) for checkpoints. Every scheduler of this
     * package implements it; the default refuses, so a custom scheduler is never silently
     * resumed from step 0.
     */
    default Map<String, Tensor> stateDict() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement stateDict()");
    }

    /** Restores {@link #stateDict()}; strict and all-or-nothing. */
    default void loadStateDict(Map<String, Tensor> state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement loadStateDict()");
    }
}
