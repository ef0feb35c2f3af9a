package io.jgrad.optim;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the epoch-driven schedulers share, like PyTorch's {@code _LRScheduler}: per-group base
 * lrs (the groups' {@code initial_lr}, recorded by the first scheduler attached), the epoch
 * counter, and a {@link #step()} that computes every group's new lr with the subclass's
 * chainable formula and then sets them all.
 *
 * <p>Subclass constructors call {@link #initialStep()} last; it moves to epoch 0 and sets the
 * optimizer's lr for step 0 as PyTorch's constructors do. Formulas are PyTorch 1.13's
 * recursive ones ({@code get_lr}), which multiply the current lr, so values match PyTorch's
 * bit for bit and schedulers can be chained.
 *
 * <p>State dict: {@code last_epoch}, {@code base_lrs} and {@code last_lrs} (float64); the
 * optimizer's lrs are in its own state dict.
 */
public abstract class BaseLRScheduler implements LRScheduler {
    protected final Optimizer optimizer;
    protected final double[] baseLrs;
    private final String name;
    private int lastEpoch = -1;
    private double[] lastLrs;

    protected BaseLRScheduler(String name, Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException(name + ": optimizer is null");
        }
        this.name = name;
        this.optimizer = optimizer;
        this.baseLrs = new double[optimizer.groupCount()];
        this.lastLrs = new double[baseLrs.length];
    }

    /**
     * The new lr of group {@code group} at epoch {@link #lastEpoch()}, from its current lr
     * (PyTorch's chainable {@code get_lr}).
     */
    protected abstract double nextLr(int group, double currentLr);

    /** Moves to epoch 0 and sets the step-0 lrs; subclass constructors call it last. */
    protected final void initialStep() {
        for (int g = 0; g < baseLrs.length; g++) {
            if (Double.isNaN(optimizer.initialLr(g))) {
                optimizer.setInitialLr(g, optimizer.lr(g));
            }
            double initial = optimizer.initialLr(g);
            baseLrs[g] = Double.isNaN(initial) ? optimizer.lr(g) : initial;
        }
        step();
    }

    @Override
    public void step() {
        lastEpoch++;
        double[] lrs = new double[baseLrs.length];
        for (int g = 0; g < lrs.length; g++) {
            lrs[g] = nextLr(g, optimizer.lr(g));
        }
        for (int g = 0; g < lrs.length; g++) {
            optimizer.setLr(g, lrs[g]);
        }
        lastLrs = lrs;
    }

    /** Starts over at epoch 0 from the base lrs ({@link SequentialLR} at a milestone; PyTorch's {@code step(0)}). */
    void restart() {
        for (int g = 0; g < baseLrs.length; g++) {
            optimizer.setLr(g, baseLrs[g]);
        }
        lastEpoch = -1;
        step();
    }

    /** Undoes the epoch count of the initial step ({@link SequentialLR}'s constructor). */
    void rewindEpoch() {
        lastEpoch--;
    }

    /** The number of {@link #step()}s since epoch 0. */
    public int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public double lastLr() {
        return lastLrs[0];
    }

    /** The lr this scheduler set last for every group. */
    public double[] lastLrs() {
        return lastLrs.clone();
    }

    /** The optimizer this scheduler drives. */
    public Optimizer optimizer() {
        return optimizer;
    }

    // ---------------------------------------------------------------- state dict

    /** This scheduler's state: {@code last_epoch}, {@code base_lrs} and {@code last_lrs}. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", Tensor.scalar((double) lastEpoch));
        out.put("base_lrs", Tensor.of(baseLrs.clone(), baseLrs.length));
        out.put("last_lrs", Tensor.of(lastLrs.clone(), lastLrs.length));
        return out;
    }

    /**
     * Restores {@link #stateDict()}; strict and all-or-nothing ({@link StateDictReader}): a missing,
     * extra or mis-shaped key, an epoch that is not a whole number {@code >= -1} or a negative or
     * non-finite lr is an {@link IllegalArgumentException} naming it, and nothing changes.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        StateDictReader.load(name, state, this::readState);
    }

    /** Reads and checks this scheduler's keys from {@code in}; the returned step applies them ({@link SequentialLR} reads its children so). */
    Runnable readState(StateDictReader in) {
        in.expectKeys(List.of("last_epoch", "base_lrs", "last_lrs"));
        int epoch = (int) in.wholeNumber("last_epoch", -1, Integer.MAX_VALUE);
        double[] base = in.nonNegatives("base_lrs", baseLrs.length);
        double[] last = in.nonNegatives("last_lrs", baseLrs.length);
        return () -> {
            lastEpoch = epoch;
            System.arraycopy(base, 0, baseLrs, 0, baseLrs.length);
            lastLrs = last;
        };
    }

    /**
     * Checks a constructor argument: an {@link IllegalArgumentException} naming it and its value
     * when {@code ok} is false, e.g. {@code StepLR: gamma must be a finite number >= 0, got NaN}.
     */
    protected static void require(boolean ok, String scheduler, String argument, Object value, String needs) {
        if (!ok) {
            throw new IllegalArgumentException(scheduler + ": " + argument + " must be " + needs + ", got " + value);
        }
    }
}
