package io.jgrad.optim;

import java.util.Arrays;

/**
 * Multiplies the lr by γ at each milestone epoch, as {@code torch.optim.lr_scheduler.MultiStepLR}:
 * {@code lr_t = lr_0 · γ^(number of milestones ≤ t)}; a milestone given twice applies γ twice.
 */
public final class MultiStepLR extends BaseLRScheduler {
    private final int[] milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super("MultiStepLR", optimizer);
        require(milestones != null, "MultiStepLR", "milestones", null, "an array of epochs");
        require(Double.isFinite(gamma) && gamma >= 0, "MultiStepLR", "gamma", gamma, "a finite number >= 0");
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double nextLr(int group, double lr) {
        int hits = 0;
        for (int m : milestones) {
            hits += m == lastEpoch() ? 1 : 0;
        }
        return hits == 0 ? lr : lr * Math.pow(gamma, hits);
    }
}
