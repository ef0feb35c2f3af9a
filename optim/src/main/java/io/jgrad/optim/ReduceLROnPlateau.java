package io.jgrad.optim;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the lr by {@code factor} when a metric has stopped improving for {@code patience}
 * epochs, as {@code torch.optim.lr_scheduler.ReduceLROnPlateau} (PyTorch 1.13). Driven by
 * {@link #step(double)} with the metric (e.g. the validation loss), so it is not an
 * {@link LRScheduler}; the constructor leaves the lr unchanged.
 *
 * <p>Improvement: in mode min, {@code a < best·(1 − threshold)} (rel) or {@code a < best − threshold}
 * (abs); in mode max, {@code a > best·(1 + threshold)} or {@code a > best + threshold}. After more
 * than {@code patience} bad epochs each group's lr becomes {@code max(lr·factor, minLr)} unless
 * that changes it by {@code eps} or less, then {@code cooldown} epochs pass without counting.
 */
public final class ReduceLROnPlateau {
    /** Whether a lower (min) or higher (max) metric is better. */
    public enum Mode { MIN, MAX }

    /** How {@code threshold} is applied: relative to the best value, or absolute. */
    public enum ThresholdMode { REL, ABS }

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private final double eps;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;

    /** Copies every option, so changing the builder after {@code build()} does not change this scheduler. */
    private ReduceLROnPlateau(Builder b) {
        this.optimizer = b.optimizer;
        this.mode = b.mode;
        this.factor = b.factor;
        this.patience = b.patience;
        this.threshold = b.threshold;
        this.thresholdMode = b.thresholdMode;
        this.cooldown = b.cooldown;
        this.minLr = b.minLr;
        this.eps = b.eps;
        this.best = worst();
    }

    /** A builder of a scheduler for {@code optimizer} with PyTorch's defaults. */
    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    /** Records this epoch's metric and lowers the lrs if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            for (int g = 0; g < optimizer.groupCount(); g++) {
                double old = optimizer.lr(g);
                double lowered = Math.max(old * factor, minLr);
                if (old - lowered > eps) {
                    optimizer.setLr(g, lowered);
                }
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
    }

    private boolean isBetter(double a) {
        boolean rel = thresholdMode == ThresholdMode.REL;
        if (mode == Mode.MIN) {
            return rel ? a < best * (1 - threshold) : a < best - threshold;
        }
        return rel ? a > best * (threshold + 1) : a > best + threshold;
    }

    private double worst() {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** The lr of the first group. */
    public double lastLr() {
        return optimizer.lr();
    }

    /** The best metric so far. */
    public double best() {
        return best;
    }

    /** {@code best}, {@code num_bad_epochs}, {@code cooldown_counter}, {@code last_epoch} as float64 scalars. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("best", Tensor.scalar(best));
        out.put("num_bad_epochs", Tensor.scalar((double) numBadEpochs));
        out.put("cooldown_counter", Tensor.scalar((double) cooldownCounter));
        out.put("last_epoch", Tensor.scalar((double) lastEpoch));
        return out;
    }

    /**
     * Restores {@link #stateDict()}; strict and all-or-nothing ({@link StateDictReader}): a missing
     * or extra key, a NaN best or a count that is not a whole number {@code >= 0} is an
     * {@link IllegalArgumentException} naming it, and nothing changes.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        StateDictReader.load("ReduceLROnPlateau", state, in -> {
            in.expectKeys(List.of("best", "num_bad_epochs", "cooldown_counter", "last_epoch"));
            double b = in.number("best");
            int bad = (int) in.wholeNumber("num_bad_epochs", 0, Integer.MAX_VALUE);
            int cool = (int) in.wholeNumber("cooldown_counter", 0, Integer.MAX_VALUE);
            int epoch = (int) in.wholeNumber("last_epoch", 0, Integer.MAX_VALUE);
            return () -> {
                best = b;
                numBadEpochs = bad;
                cooldownCounter = cool;
                lastEpoch = epoch;
            };
        });
    }

    /** Options with PyTorch's names and defaults. */
    public static final class Builder {
        private final Optimizer optimizer;
        private Mode mode = Mode.MIN;
        private double factor = 0.1;
        private int patience = 10;
        private double threshold = 1e-4;
        private ThresholdMode thresholdMode = ThresholdMode.REL;
        private int cooldown = 0;
        private double minLr = 0;
        private double eps = 1e-8;

        private Builder(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /** MIN (default): lower is better; MAX: higher is better. */
        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** The lr multiplier on a plateau, {@code < 1} (default 0.1). */
        public Builder factor(double factor) {
            this.factor = factor;
            return this;
        }

        /** Bad epochs tolerated before lowering (default 10). */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /** The least change that counts as an improvement (default 1e-4). */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** REL (default) or ABS. */
        public Builder thresholdMode(ThresholdMode thresholdMode) {
            this.thresholdMode = thresholdMode;
            return this;
        }

        /** Epochs to wait after a reduction before counting again (default 0). */
        public Builder cooldown(int cooldown) {
            this.cooldown = cooldown;
            return this;
        }

        /** The lowest lr of every group (default 0). */
        public Builder minLr(double minLr) {
            this.minLr = minLr;
            return this;
        }

        /** Reductions smaller than this are skipped (default 1e-8). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** The scheduler; invalid options are an {@link IllegalArgumentException} naming them. */
        public ReduceLROnPlateau build() {
            String n = "ReduceLROnPlateau";
            BaseLRScheduler.require(optimizer != null, n, "optimizer", null, "an optimizer");
            BaseLRScheduler.require(mode != null, n, "mode", null, "MIN or MAX");
            BaseLRScheduler.require(thresholdMode != null, n, "thresholdMode", null, "REL or ABS");
            BaseLRScheduler.require(factor >= 0 && factor < 1, n, "factor", factor, "in [0, 1)");
            BaseLRScheduler.require(patience >= 0, n, "patience", patience, ">= 0");
            BaseLRScheduler.require(cooldown >= 0, n, "cooldown", cooldown, ">= 0");
            BaseLRScheduler.require(Double.isFinite(threshold) && threshold >= 0, n, "threshold", threshold, "a finite number >= 0");
            BaseLRScheduler.require(minLr >= 0 && !Double.isInfinite(minLr), n, "minLr", minLr, "a finite number >= 0");
            BaseLRScheduler.require(eps >= 0 && !Double.isInfinite(eps), n, "eps", eps, "a finite number >= 0");
            return new ReduceLROnPlateau(this);
        }
    }
}
