package io.jgrad.optim;

/**
 * Multiplies the lr by γ every epoch, as {@code torch.optim.lr_scheduler.ExponentialLR}:
 * {@code lr_t = lr_0 · γ^t} (computed recursively, as PyTorch does).
 *
 * <pre>{@code
 * LRScheduler sched = new ExponentialLR(opt, 0.9);   // lr x 0.9 every epoch
 * }</pre>
 */
public final class ExponentialLR extends BaseLRScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super("ExponentialLR", optimizer);
        require(Double.isFinite(gamma) && gamma >= 0, "ExponentialLR", "gamma", gamma, "a finite number >= 0");
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double nextLr(int group, double lr) {
        return lastEpoch() == 0 ? lr : lr * gamma;
    }
}
