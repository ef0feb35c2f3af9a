package io.jgrad.optim;

/**
 * Cosine annealing (Loshchilov &amp; Hutter, SGDR, arXiv:1608.03983, without restarts) as
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} in PyTorch 1.13's recursive form:
 * <pre>
 * lr_t = η_min + (lr_{t−1} − η_min) · (1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T))
 * </pre>
 * which follows {@code η_min + (lr₀ − η_min)(1 + cos(π·t/T))/2}; past {@code T} it goes up
 * again, with PyTorch's special step {@code lr + (lr₀ − η_min)(1 − cos(π/T))/2} where the
 * cosine restarts ((t − 1 − T) divisible by 2T). Values match PyTorch's, also beyond {@code T}.
 */
public final class CosineAnnealingLR extends BaseLRScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super("CosineAnnealingLR", optimizer);
        require(tMax > 0, "CosineAnnealingLR", "tMax", tMax, "> 0");
        require(Double.isFinite(etaMin) && etaMin >= 0, "CosineAnnealingLR", "etaMin", etaMin, "a finite number >= 0");
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected double nextLr(int group, double lr) {
        int t = lastEpoch();
        if (t == 0) {
            return lr;
        }
        if (Math.floorMod(t - 1 - tMax, 2 * tMax) == 0) {
            return lr + (baseLrs[group] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
        }
        return (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (lr - etaMin) + etaMin;
    }
}
