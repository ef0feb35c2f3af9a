package io.jgrad.optim;

/**
 * Changes an optimizer's learning rate as training goes on, like PyTorch's
 * {@code torch.optim.lr_scheduler}. Constructing one sets the lr for step 0.
 */
public interface LRScheduler {
    /** Advances one step (usually one epoch) and sets the optimizer's lr. */
    void step();

    /** The lr the scheduler set last. */
    double lastLr();
}
