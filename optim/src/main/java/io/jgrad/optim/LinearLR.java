package io.jgrad.optim;

/**
 * Scales the lr linearly from {@code startFactor·lr₀} to {@code endFactor·lr₀} over
 * {@code totalIters} epochs, then keeps it, as {@code torch.optim.lr_scheduler.LinearLR}:
 * {@code lr_t = lr₀ · (s + (e − s)·min(t, T)/T)}, computed recursively as PyTorch 1.13 does.
 * The linear decay {@code α·(1 − t/T)} is {@code new LinearLR(opt, 1, 0, T)}; a warm-up is
 * e.g. {@code new LinearLR(opt, 0.1, 1, 5)}.
 *
 * <pre>{@code
 * LRScheduler warmup = new LinearLR(opt, 0.1, 1.0, 5);   // from 0.1·lr to lr over 5 epochs
 * }</pre>
 */
public final class LinearLR extends BaseLRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super("LinearLR", optimizer);
        require(startFactor > 0 && startFactor <= 1, "LinearLR", "startFactor", startFactor, "in (0, 1]");
        require(endFactor >= 0 && endFactor <= 1, "LinearLR", "endFactor", endFactor, "in [0, 1]");
        require(totalIters > 0, "LinearLR", "totalIters", totalIters, "> 0");
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected double nextLr(int group, double lr) {
        int t = lastEpoch();
        if (t == 0) {
            return lr * startFactor;
        }
        if (t > totalIters) {
            return lr;
        }
        double delta = endFactor - startFactor;
        return lr * (1. + delta / (totalIters * startFactor + (t - 1) * delta));
    }
}
