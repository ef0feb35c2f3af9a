package io.jgrad.optim;

/**
 * Multiplies the lr by γ every {@code stepSize} epochs, as {@code torch.optim.lr_scheduler.StepLR}:
 * {@code lr_t = lr_0 · γ^⌊t / stepSize⌋} (computed recursively, as PyTorch does).
 *
 * <pre>{@code
 * LRScheduler sched = new StepLR(opt, 10, 0.1);   // lr x 0.1 every 10 epochs
 * }</pre>
 */
public final class StepLR extends BaseLRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super("StepLR", optimizer);
        require(stepSize > 0, "StepLR", "stepSize", stepSize, "> 0");
        require(Double.isFinite(gamma) && gamma >= 0, "StepLR", "gamma", gamma, "a finite number >= 0");
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double nextLr(int group, double lr) {
        int t = lastEpoch();
        return t == 0 || t % stepSize != 0 ? lr : lr * gamma;
    }
}
